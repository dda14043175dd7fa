#!/bin/sh
# gradgap device kit: `gradgap bench --host dawn` (W1 and W2) on this machine's GPU through Dawn's
# Vulkan backend, or on Dawn's OpenGL ES compatibility adapter where there is no NVIDIA Vulkan
# driver (on llvmpipe that is the CPU, not a GPU: the bench says so). The last line of stdout is
# the bench's JSON, with the adapter's name; what this script chose goes to stderr.
#
#   ./run.sh                      W1 and W2 (a hardware GPU runs them in full)
#   ./run.sh --quick              a seconds-long smoke test
#   ./run.sh --workload W1 --full other bench flags pass through
#   ./run.sh help                 any other gradgap command runs as given
#
# In the unpacked kit it uses the kit's node, gradgap.mjs and lib/libvulkan.so.1; in the repository
# (`npm run device-bench`) the node on PATH, bin/gradgap.mjs and the system's Vulkan loader.
# Environment: VK_DRIVER_FILES set by the caller is kept; GRADGAP_GLES=1 skips the Vulkan driver
# search (GL ES only); NODE picks the node binary where the kit has none.
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
say() { printf 'run.sh: %s\n' "$*" >&2; }

if [ -x "$HERE/node" ]; then NODE_BIN="$HERE/node"; else NODE_BIN=${NODE:-node}; fi
if [ -f "$HERE/gradgap.mjs" ]; then CLI="$HERE/gradgap.mjs"; else CLI="$HERE/../../bin/gradgap.mjs"; fi
if [ -d "$HERE/lib" ]; then
  LD_LIBRARY_PATH="$HERE/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
  export LD_LIBRARY_PATH
  say "Vulkan loader: $HERE/lib/libvulkan.so.1 (Debian libvulkan1, from the kit)"
fi
if [ -f "$HERE/lib-compat/libstdc++.so.6" ]; then
  sys=$(ldconfig -p 2>/dev/null | awk '$1 == "libstdc++.so.6" && /x86-64/ { print $NF; exit }')
  if [ -z "$sys" ] || ! grep -q GLIBCXX_3.4.30 "$sys" 2>/dev/null; then
    LD_LIBRARY_PATH="$HERE/lib-compat${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
    export LD_LIBRARY_PATH
    say "the system's libstdc++ (${sys:-none found}) lacks GLIBCXX_3.4.30, which dawn.node needs: using the kit's"
  fi
fi

# The NVIDIA driver's Vulkan manifest: the loader's usual folders, then the driver's install folders.
find_icd() {
  for f in /usr/share/vulkan/icd.d/nvidia_icd*.json /etc/vulkan/icd.d/nvidia_icd*.json \
    /usr/local/share/vulkan/icd.d/nvidia_icd*.json /usr/share/vulkan/icd.d/nvidia*.json /etc/vulkan/icd.d/nvidia*.json; do
    [ -f "$f" ] && { echo "$f"; return 0; }
  done
  for d in /usr/local/nvidia /usr/lib/nvidia /usr/lib64/nvidia /usr/lib/x86_64-linux-gnu/nvidia /usr/share/nvidia \
    /opt/nvidia /run/nvidia/driver/usr/share/vulkan /run/nvidia/driver/etc/vulkan /usr/local/cuda/compat; do
    [ -d "$d" ] || continue
    f=$(find "$d" -maxdepth 5 -name 'nvidia_icd*.json' 2>/dev/null | head -n 1)
    [ -n "$f" ] && { echo "$f"; return 0; }
  done
  return 1
}

# No manifest but the driver's Vulkan library is there (a container given only part of the driver):
# write the manifest the driver's installer would have written.
nvidia_vulkan_lib() {
  for name in libGLX_nvidia.so.0 libEGL_nvidia.so.0; do
    p=$(ldconfig -p 2>/dev/null | awk -v n="$name" '$1 == n { print $NF; exit }')
    [ -n "$p" ] && { echo "$p"; return 0; }
    for d in /usr/lib/x86_64-linux-gnu /usr/lib64 /usr/lib /usr/local/nvidia/lib64 /usr/local/nvidia/lib; do
      [ -e "$d/$name" ] && { echo "$d/$name"; return 0; }
    done
  done
  return 1
}

if command -v nvidia-smi >/dev/null 2>&1; then
  say "nvidia-smi: $(nvidia-smi -L 2>&1 | head -n 1)"
fi

if [ -n "${VK_DRIVER_FILES:-}" ]; then
  say "VK_DRIVER_FILES=$VK_DRIVER_FILES (as given)"
elif [ "${GRADGAP_GLES:-}" != 1 ] && icd=$(find_icd); then
  VK_DRIVER_FILES=$icd
  export VK_DRIVER_FILES
  say "NVIDIA Vulkan driver manifest: VK_DRIVER_FILES=$icd"
elif [ "${GRADGAP_GLES:-}" != 1 ] && lib=$(nvidia_vulkan_lib); then
  icd=$(mktemp "${TMPDIR:-/tmp}/gradgap-nvidia-icd.XXXXXX")
  printf '{ "file_format_version": "1.0.0", "ICD": { "library_path": "%s", "api_version": "1.3.0" } }\n' "$lib" >"$icd"
  VK_DRIVER_FILES=$icd
  export VK_DRIVER_FILES
  say "no NVIDIA Vulkan manifest found; wrote $icd for $lib"
else
  say "no NVIDIA Vulkan driver found: Dawn falls back to OpenGL ES (compatibility adapter); on llvmpipe that is not a GPU"
fi
[ -n "${VK_DRIVER_FILES:-}" ] && { VK_ICD_FILENAMES=$VK_DRIVER_FILES; export VK_ICD_FILENAMES; } # loaders before 1.3.207
# GL ES without a display server (the fallback, and the only adapter where Vulkan has no driver).
EGL_PLATFORM=${EGL_PLATFORM:-surfaceless}
export EGL_PLATFORM

case "${1:-}" in
  bench | run | verify | merge | help | --help | -h) exec "$NODE_BIN" "$CLI" "$@" ;;
  *) exec "$NODE_BIN" "$CLI" bench --host dawn "$@" ;;
esac
