import { createApp } from 'vue';
import App from './App.vue';
import { startRouter } from './router';
import { loadSession } from './session';
import './styles.css';

startRouter();
void loadSession();
createApp(App).mount('#app');
