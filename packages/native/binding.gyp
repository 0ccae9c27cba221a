{
  "targets": [
    {
      "target_name": "ainka_native",
      "sources": ["src/addon.c", "src/bpf.c", "src/netlink.c", "src/kdev.c", "src/peercred.c"],
      "include_dirs": ["../../kernel/include/uapi"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-fvisibility=hidden"],
      "defines": ["NAPI_VERSION=8"],
      "libraries": ["-lbpf"]
    }
  ]
}
