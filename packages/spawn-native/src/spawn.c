// posix_spawn for node on Linux: no fork() of the parent's page tables and no copy-on-write
// faults afterwards (glibc spawns with clone(CLONE_VM | CLONE_VFORK)). Exit is watched through a
// pidfd polled on the libuv loop, so libuv's SIGCHLD reaper (which only waits for its own
// uv_process_t pids) never races with us.
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <node_api.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <uv.h>

#ifndef P_PIDFD
#define P_PIDFD 3
#endif

typedef struct watch {
  uv_poll_t poll; // first member: the poll handle's address is the watch's
  int pidfd;
  pid_t pid;
  napi_env env;
  napi_ref callback;
  napi_async_context async;
  struct watch *prev, *next;
} watch;

// Per-env list of running children, so an env torn down (worker exit) closes its handles.
typedef struct {
  watch *head;
} instance;

#define CHECK(call)                                                                                \
  do {                                                                                             \
    if ((call) != napi_ok) return NULL;                                                            \
  } while (0)

static const char *errno_name(int err) {
  const char *name = strerrorname_np(err);
  return name != NULL ? name : "UNKNOWN";
}

// Throws an Error shaped like node's spawn errors: message `spawn <file> <CODE>`, code, errno, syscall, path.
static void throw_spawn_error(napi_env env, const char *file, int err) {
  const char *code = errno_name(err);
  size_t len = strlen(file) + strlen(code) + 8;
  char *msg = malloc(len);
  char *syscall_name = malloc(strlen(file) + 7);
  if (msg == NULL || syscall_name == NULL) {
    free(msg);
    free(syscall_name);
    napi_throw_error(env, code, "spawn failed");
    return;
  }
  snprintf(msg, len, "spawn %s %s", file, code);
  snprintf(syscall_name, strlen(file) + 7, "spawn %s", file);
  napi_value msg_v, code_v, errno_v, syscall_v, path_v, error;
  if (napi_create_string_utf8(env, msg, NAPI_AUTO_LENGTH, &msg_v) == napi_ok &&
      napi_create_string_utf8(env, code, NAPI_AUTO_LENGTH, &code_v) == napi_ok &&
      napi_create_int32(env, -err, &errno_v) == napi_ok &&
      napi_create_string_utf8(env, syscall_name, NAPI_AUTO_LENGTH, &syscall_v) == napi_ok &&
      napi_create_string_utf8(env, file, NAPI_AUTO_LENGTH, &path_v) == napi_ok &&
      napi_create_error(env, code_v, msg_v, &error) == napi_ok) {
    napi_set_named_property(env, error, "errno", errno_v);
    napi_set_named_property(env, error, "syscall", syscall_v);
    napi_set_named_property(env, error, "path", path_v);
    napi_throw(env, error);
  } else {
    napi_throw_error(env, code, msg);
  }
  free(msg);
  free(syscall_name);
}

// A JS string as a malloc'd C string; NULL (with a TypeError thrown) when it is not a string or
// holds a NUL byte, which would silently truncate an argument or variable.
static char *get_string(napi_env env, napi_value value, const char *what) {
  size_t len;
  if (napi_get_value_string_utf8(env, value, NULL, 0, &len) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
    return NULL;
  }
  char *buf = malloc(len + 1);
  if (buf == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  napi_get_value_string_utf8(env, value, buf, len + 1, &len);
  if (strlen(buf) != len) {
    free(buf);
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", what);
    return NULL;
  }
  return buf;
}

static void free_strings(char **list) {
  if (list == NULL) return;
  for (char **p = list; *p != NULL; p++) free(*p);
  free(list);
}

// A JS string array as a NULL-terminated C array.
static char **get_string_array(napi_env env, napi_value value, const char *what) {
  bool is_array;
  uint32_t n;
  if (napi_is_array(env, value, &is_array) != napi_ok || !is_array ||
      napi_get_array_length(env, value, &n) != napi_ok) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", what);
    return NULL;
  }
  char **list = calloc((size_t)n + 1, sizeof(char *));
  if (list == NULL) {
    napi_throw_error(env, "ENOMEM", "out of memory");
    return NULL;
  }
  for (uint32_t i = 0; i < n; i++) {
    napi_value item;
    if (napi_get_element(env, value, i, &item) != napi_ok ||
        (list[i] = get_string(env, item, what)) == NULL) {
      free_strings(list);
      return NULL;
    }
  }
  return list;
}

static void unlink_watch(watch *w) {
  instance *inst = NULL;
  napi_get_instance_data(w->env, (void **)&inst);
  if (w->prev != NULL) w->prev->next = w->next;
  else if (inst != NULL && inst->head == w) inst->head = w->next;
  if (w->next != NULL) w->next->prev = w->prev;
  w->prev = w->next = NULL;
}

// The close callback is libc's free itself (the poll handle is the watch's first member): node
// unloads this addon when a worker's env is freed, before the loop's last turn runs pending close
// callbacks, so a callback defined here could run as unmapped code. free(void *) and
// uv_close_cb(uv_handle_t *) are call-compatible on every ABI node runs on.
#define FREE_ON_CLOSE ((uv_close_cb)(void (*)(void))free)

// Env teardown: stops watching without any napi call (the env frees its references itself, and
// napi must not run then). The child is left running, as node leaves a worker's ChildProcess.
static void abandon_watch(watch *w) {
  uv_poll_stop(&w->poll);
  uv_close((uv_handle_t *)&w->poll, FREE_ON_CLOSE);
  close(w->pidfd);
}

static void on_pidfd_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  watch *w = (watch *)handle;
  siginfo_t info;
  memset(&info, 0, sizeof info);
  int rc = waitid((idtype_t)P_PIDFD, (id_t)w->pidfd, &info, WEXITED | WNOHANG);
  if (rc == 0 && info.si_pid == 0 && status == 0) return; // not exited yet (spurious wake-up)

  napi_env env = w->env;
  napi_handle_scope scope;
  if (napi_open_handle_scope(env, &scope) != napi_ok) return;
  napi_value argv[2], fn, recv;
  napi_get_null(env, &argv[0]);
  napi_get_null(env, &argv[1]);
  if (rc == 0 && info.si_pid != 0) {
    if (info.si_code == CLD_EXITED) {
      napi_create_int32(env, info.si_status, &argv[0]);
    } else {
      const char *abbrev = sigabbrev_np(info.si_status);
      char name[32];
      snprintf(name, sizeof name, "SIG%s", abbrev != NULL ? abbrev : "UNKNOWN");
      napi_create_string_utf8(env, name, NAPI_AUTO_LENGTH, &argv[1]);
    }
  }
  napi_async_context async = w->async;
  napi_get_reference_value(env, w->callback, &fn);
  napi_get_global(env, &recv);
  // The watch is released before the callback so a throwing callback cannot leak it; the async
  // context stays alive until the callback has run.
  w->async = NULL;
  unlink_watch(w);
  napi_delete_reference(env, w->callback);
  uv_poll_stop(&w->poll);
  uv_close((uv_handle_t *)&w->poll, FREE_ON_CLOSE);
  close(w->pidfd);

  napi_status st = napi_make_callback(env, async, recv, fn, 2, argv, NULL);
  if (st == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_async_destroy(env, async);
  napi_close_handle_scope(env, scope);
}

// glibc's sigfillset leaves out its internal signals (SIGCANCEL and SIGSETXID, 32 and 33), and
// its posix_spawn sets those to SIG_IGN in the child while it runs there: unless they are in the
// "set to default" set, exec keeps them ignored (SigIgn 0x180000000 in /proc/<pid>/status).
// sigaddset refuses them, so their bits are set directly.
static void add_internal_signals(sigset_t *set) {
#ifdef __SIGRTMIN
  const size_t bits = 8 * sizeof(unsigned long);
  for (int sig = __SIGRTMIN; sig < SIGRTMIN; sig++)
    set->__val[(sig - 1) / bits] |= 1UL << ((sig - 1) % bits);
#else
  (void)set;
#endif
}

static void close_fd_pair(int fds[2]) {
  if (fds[0] >= 0) close(fds[0]);
  if (fds[1] >= 0) close(fds[1]);
  fds[0] = fds[1] = -1;
}

// spawn(file, argv, envp, cwd, stdinMode, onExit) -> { pid, stdin, stdout, stderr }
static napi_value Spawn(napi_env env, napi_callback_info cbinfo) {
  size_t argc = 6;
  napi_value args[6];
  CHECK(napi_get_cb_info(env, cbinfo, &argc, args, NULL, NULL));
  if (argc < 6) {
    napi_throw_type_error(env, "ERR_MISSING_ARGS", "spawn(file, argv, envp, cwd, stdinMode, onExit)");
    return NULL;
  }
  napi_valuetype fn_type;
  CHECK(napi_typeof(env, args[5], &fn_type));
  if (fn_type != napi_function) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_TYPE", "onExit must be a function");
    return NULL;
  }

  napi_value result = NULL;
  char *file = NULL, *cwd = NULL, *stdin_mode = NULL;
  char **argv = NULL, **envp = NULL;
  int in[2] = {-1, -1}, out[2] = {-1, -1}, err[2] = {-1, -1};
  bool actions_ready = false, attr_ready = false;
  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attr;

  if ((file = get_string(env, args[0], "file must be a string without NUL bytes")) == NULL ||
      (argv = get_string_array(env, args[1], "argv must be strings without NUL bytes")) == NULL ||
      (envp = get_string_array(env, args[2], "envp must be strings without NUL bytes")) == NULL ||
      (cwd = get_string(env, args[3], "cwd must be a string without NUL bytes")) == NULL ||
      (stdin_mode = get_string(env, args[4], "stdinMode must be 'pipe' or 'null'")) == NULL)
    goto done;
  bool stdin_pipe = strcmp(stdin_mode, "pipe") == 0;
  if (!stdin_pipe && strcmp(stdin_mode, "null") != 0) {
    napi_throw_type_error(env, "ERR_INVALID_ARG_VALUE", "stdinMode must be 'pipe' or 'null'");
    goto done;
  }

  // O_CLOEXEC: no pipe end leaks into this child's other descendants or a concurrent spawn.
  if ((stdin_pipe && pipe2(in, O_CLOEXEC) != 0) || pipe2(out, O_CLOEXEC) != 0 ||
      pipe2(err, O_CLOEXEC) != 0) {
    throw_spawn_error(env, file, errno);
    goto done;
  }

  int rc = posix_spawn_file_actions_init(&actions);
  if (rc == 0) {
    actions_ready = true;
    rc = stdin_pipe ? posix_spawn_file_actions_adddup2(&actions, in[0], 0)
                    : posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, out[1], 1);
  if (rc == 0) rc = posix_spawn_file_actions_adddup2(&actions, err[1], 2);
  // Nothing but 0, 1 and 2 crosses into the child, even a descriptor someone opened without O_CLOEXEC.
  if (rc == 0) rc = posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  if (rc == 0) rc = posix_spawn_file_actions_addchdir_np(&actions, cwd);
  if (rc == 0) {
    rc = posix_spawnattr_init(&attr);
    if (rc == 0) attr_ready = true;
  }
  sigset_t all, none;
  sigfillset(&all);
  add_internal_signals(&all);
  sigemptyset(&none);
  // Own session and process group (pgid == pid), every signal at its default (node ignores
  // SIGPIPE, and an ignored disposition survives exec) and none blocked.
  if (rc == 0)
    rc = posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSID | POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK);
  if (rc == 0) rc = posix_spawnattr_setsigdefault(&attr, &all);
  if (rc == 0) rc = posix_spawnattr_setsigmask(&attr, &none);
  pid_t pid = -1;
  if (rc == 0) rc = posix_spawn(&pid, file, &actions, &attr, argv, envp);
  if (rc != 0) {
    throw_spawn_error(env, file, rc);
    goto done;
  }

  // The child's ends belong to the child now.
  if (in[0] >= 0) close(in[0]);
  close(out[1]);
  close(err[1]);
  in[0] = out[1] = err[1] = -1;

  int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
  if (pidfd < 0) {
    int e = errno;
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    // No pidfd_open: an old kernel (ENOSYS) or a seccomp profile that predates it (EPERM, EACCES).
    throw_spawn_error(env, file, (e == ENOSYS || e == EPERM || e == EACCES) ? ENOSYS : e);
    goto done;
  }

  watch *w = calloc(1, sizeof *w);
  uv_loop_t *loop;
  if (w == NULL || napi_get_uv_event_loop(env, &loop) != napi_ok ||
      uv_poll_init(loop, &w->poll, pidfd) != 0) {
    free(w);
    close(pidfd);
    kill(pid, SIGKILL);
    while (waitpid(pid, NULL, 0) < 0 && errno == EINTR) {
    }
    throw_spawn_error(env, file, ENOMEM);
    goto done;
  }
  w->pidfd = pidfd;
  w->pid = pid;
  w->env = env;
  napi_value resource_name;
  napi_create_string_utf8(env, "spawn-native:exit", NAPI_AUTO_LENGTH, &resource_name);
  napi_create_reference(env, args[5], 1, &w->callback);
  napi_async_init(env, NULL, resource_name, &w->async);
  instance *inst = NULL;
  napi_get_instance_data(env, (void **)&inst);
  if (inst != NULL) {
    w->next = inst->head;
    if (inst->head != NULL) inst->head->prev = w;
    inst->head = w;
  }
  uv_poll_start(&w->poll, UV_READABLE, on_pidfd_readable);

  // The parent's ends are non-blocking, as libuv streams expect.
  if (in[1] >= 0) fcntl(in[1], F_SETFL, fcntl(in[1], F_GETFL) | O_NONBLOCK);
  fcntl(out[0], F_SETFL, fcntl(out[0], F_GETFL) | O_NONBLOCK);
  fcntl(err[0], F_SETFL, fcntl(err[0], F_GETFL) | O_NONBLOCK);

  napi_value pid_v, in_v, out_v, err_v;
  napi_create_object(env, &result);
  napi_create_int32(env, pid, &pid_v);
  napi_create_int32(env, in[1], &in_v);
  napi_create_int32(env, out[0], &out_v);
  napi_create_int32(env, err[0], &err_v);
  napi_set_named_property(env, result, "pid", pid_v);
  napi_set_named_property(env, result, "stdin", in_v);
  napi_set_named_property(env, result, "stdout", out_v);
  napi_set_named_property(env, result, "stderr", err_v);
  in[1] = out[0] = err[0] = -1; // owned by the caller now

done:
  if (actions_ready) posix_spawn_file_actions_destroy(&actions);
  if (attr_ready) posix_spawnattr_destroy(&attr);
  close_fd_pair(in);
  close_fd_pair(out);
  close_fd_pair(err);
  free(file);
  free(cwd);
  free(stdin_mode);
  free_strings(argv);
  free_strings(envp);
  return result;
}

// signalGroup(pgid, signal) -> 0 or an errno; never throws. Refuses pgid <= 0, which would
// signal the caller's own group or every process it may signal.
static napi_value SignalGroup(napi_env env, napi_callback_info cbinfo) {
  size_t argc = 2;
  napi_value args[2], out;
  int32_t pgid = 0, sig = 0;
  CHECK(napi_get_cb_info(env, cbinfo, &argc, args, NULL, NULL));
  int rc = EINVAL;
  if (argc == 2 && napi_get_value_int32(env, args[0], &pgid) == napi_ok &&
      napi_get_value_int32(env, args[1], &sig) == napi_ok && pgid > 0)
    rc = kill(-pgid, sig) == 0 ? 0 : errno;
  CHECK(napi_create_int32(env, rc, &out));
  return out;
}

// Env teardown (e.g. a worker exiting) with children still running: stop watching them. An env
// cleanup hook, not the instance-data finalizer: that one runs after napi has freed the env's
// references (napi_delete_reference there crashes).
static void cleanup_instance(void *data) {
  instance *inst = data;
  while (inst->head != NULL) {
    watch *w = inst->head;
    inst->head = w->next;
    abandon_watch(w);
  }
  inst->head = NULL;
}

static void free_instance(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

NAPI_MODULE_INIT() {
  instance *inst = calloc(1, sizeof *inst);
  if (inst == NULL || napi_set_instance_data(env, inst, free_instance, NULL) != napi_ok ||
      napi_add_env_cleanup_hook(env, cleanup_instance, inst) != napi_ok) {
    free(inst);
    napi_throw_error(env, NULL, "spawn-native: cannot allocate instance data");
    return NULL;
  }
  napi_value fn;
  CHECK(napi_create_function(env, "spawn", NAPI_AUTO_LENGTH, Spawn, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "spawn", fn));
  CHECK(napi_create_function(env, "signalGroup", NAPI_AUTO_LENGTH, SignalGroup, NULL, &fn));
  CHECK(napi_set_named_property(env, exports, "signalGroup", fn));
  return exports;
}
