// closegate-agent: the agent service (recon-operator loop, LLM backends, operator API).
export {};
