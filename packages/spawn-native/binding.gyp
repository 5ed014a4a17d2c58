{
  "targets": [
    {
      "target_name": "spawn_native",
      "sources": ["src/spawn.c"],
      "cflags": ["-O2", "-Wall", "-Wextra", "-Werror=implicit-function-declaration"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
