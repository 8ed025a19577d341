"""Adapts DJL 0.35.1's PyTorch JNI sources (a copy in the kit, never DJL's jar) to a newer libtorch, one known
incompatibility at a time: each patch names the compiler errors that call for it and is applied only when the
build log shows them. The build script compiles, feeds the log here, and compiles again while patches apply.

  patch_sources.py SRC_DIR BUILD_LOG   apply the patches the log calls for; exit 0 if any was applied, 1 if none
  patch_sources.py SRC_DIR --all       apply every patch (to check them against the sources)
"""
import os
import re
import sys

SYSTEM = "ai_djl_pytorch_jni_PyTorchLibrary_system.cc"
INFERENCE = "ai_djl_pytorch_jni_PyTorchLibrary_inference.cc"

PROFILER_STUBS = """// Triage patch (legacy-profiler): this libtorch has no legacy autograd profiler; DJL's profiler calls throw.
JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchStartProfile(
    JNIEnv* env, jobject jthis, jboolean juse_cuda, jboolean jrecord_shape, jboolean jprofile_memory) {
  env->ThrowNew(ENGINE_EXCEPTION_CLASS, "the profiler is not available in this build of the PyTorch JNI");
}

JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchStopProfile(
    JNIEnv* env, jobject jthis, jstring joutput_file) {
  env->ThrowNew(ENGINE_EXCEPTION_CLASS, "the profiler is not available in this build of the PyTorch JNI");
}
"""


def legacy_profiler(src):
    """Replaces DJL's copy of the legacy profiler's JSON writer and the two profiler entry points by stubs."""
    path = os.path.join(src, SYSTEM)
    text = open(path).read()
    begin = text.index("// the code snippet is copied from torch/csrc/autograd/profiler_legacy.cpp")
    end_marker = "JNIEXPORT void JNICALL Java_ai_djl_pytorch_jni_PyTorchLibrary_torchCudaEmptyCache"
    end = text.index(end_marker)
    text = text[:begin] + PROFILER_STUBS + "\n" + text[end:]
    text = text.replace("using namespace torch::autograd::profiler;\n", "")
    open(path, "w").write(text)


def graph_executor_header(src):
    """The header moved or went away: declare the one function DJL calls from it (TorchScript models only)."""
    path = os.path.join(src, INFERENCE)
    text = open(path).read()
    text = text.replace("#include <torch/csrc/jit/python/update_graph_executor_opt.h>\n", "")
    text = text.replace("#include <torch/script.h>\n", "#include <torch/script.h>\n"
                        "// Triage patch (graph-executor-header)\n"
                        "namespace torch { namespace jit { TORCH_API void setGraphExecutorOptimize(bool o); } }\n", 1)
    open(path, "w").write(text)


def c10_optional(src):
    """c10::optional was an alias of std::optional; libtorch dropped the alias."""
    for name in os.listdir(src):
        if name.endswith((".cc", ".h")):
            path = os.path.join(src, name)
            text = open(path).read()
            if "c10::optional" in text:
                open(path, "w").write(text.replace("c10::optional", "std::optional"))


PATCHES = [
    ("legacy-profiler", re.compile(r"LegacyEvent|enableProfilerLegacy|disableProfilerLegacy|profilerEnabled|"
                                   r"ProfilerConfig|ProfilerState|profiler_legacy"), legacy_profiler),
    ("graph-executor-header", re.compile(r"update_graph_executor_opt\.h"), graph_executor_header),
    ("c10-optional", re.compile(r"optional.{0,40}(is not a member of|in namespace).{0,10}c10|c10::optional"),
     c10_optional),
]


def main():
    src, log = sys.argv[1], sys.argv[2]
    applied_file = os.path.join(src, ".triage-patches")
    applied = open(applied_file).read().split() if os.path.exists(applied_file) else []
    errors = "" if log == "--all" else open(log, errors="replace").read()
    newly = [name for name, trigger, _ in PATCHES
             if name not in applied and (log == "--all" or trigger.search(errors))]
    for name, _, patch in PATCHES:
        if name in newly:
            patch(src)
            print("applied patch " + name)
    with open(applied_file, "w") as f:
        f.write(" ".join(applied + newly))
    return 0 if newly else 1


if __name__ == "__main__":
    sys.exit(main())
