// Triage's stand-in for DJL's <djl/utils.h> (it lives in DJL's api/src/main/native and ships in no jar): the JNI
// helpers that DJL 0.35.1's PyTorch JNI sources call, written from their call sites. Handles are the addresses
// of C++ objects that the Java side holds as longs.
#ifndef TRIAGE_DJL_UTILS_H
#define TRIAGE_DJL_UTILS_H

#include <jni.h>

#include <cstdint>
#include <string>
#include <vector>

namespace djl {
namespace utils {
namespace jni {

// Release mode for Get<Type>ArrayElements: the arrays are only read, nothing is copied back.
constexpr jint RELEASE_MODE = JNI_ABORT;
constexpr jlong NULL_PTR = 0;

// A Java string as UTF-8 (through String.getBytes: JNI's own "UTF" is modified UTF-8).
inline std::string GetStringFromJString(JNIEnv* env, jstring jstr) {
  if (jstr == nullptr) {
    return std::string();
  }
  jclass string_class = env->GetObjectClass(jstr);
  jmethodID get_bytes = env->GetMethodID(string_class, "getBytes", "(Ljava/lang/String;)[B");
  jstring charset = env->NewStringUTF("UTF-8");
  auto bytes = static_cast<jbyteArray>(env->CallObjectMethod(jstr, get_bytes, charset));
  env->DeleteLocalRef(charset);
  env->DeleteLocalRef(string_class);
  if (bytes == nullptr) {
    return std::string();  // a Java exception is pending and will surface when the native method returns
  }
  jsize length = env->GetArrayLength(bytes);
  std::string out(static_cast<size_t>(length), '\0');
  env->GetByteArrayRegion(bytes, 0, length, reinterpret_cast<jbyte*>(&out[0]));
  env->DeleteLocalRef(bytes);
  return out;
}

inline std::vector<int64_t> GetVecFromJLongArray(JNIEnv* env, jlongArray array) {
  jsize length = env->GetArrayLength(array);
  std::vector<int64_t> out(static_cast<size_t>(length));
  static_assert(sizeof(int64_t) == sizeof(jlong), "jlong is 64 bits");
  env->GetLongArrayRegion(array, 0, length, reinterpret_cast<jlong*>(out.data()));
  return out;
}

// Copies of the objects behind the handles.
template <typename T>
inline std::vector<T> GetObjectVecFromJHandles(JNIEnv* env, jlongArray handles) {
  std::vector<int64_t> pointers = GetVecFromJLongArray(env, handles);
  std::vector<T> out;
  out.reserve(pointers.size());
  for (int64_t p : pointers) {
    out.emplace_back(*reinterpret_cast<T*>(static_cast<uintptr_t>(p)));
  }
  return out;
}

// Handles to heap copies of the container's elements; the Java side owns (and frees) them.
template <typename Container, typename T>
inline jlongArray GetPtrArrayFromContainer(JNIEnv* env, Container list) {
  size_t length = list.size();
  std::vector<jlong> handles(length);
  for (size_t i = 0; i < length; ++i) {
    handles[i] = static_cast<jlong>(reinterpret_cast<uintptr_t>(new T(list[i])));
  }
  jlongArray out = env->NewLongArray(static_cast<jsize>(length));
  env->SetLongArrayRegion(out, 0, static_cast<jsize>(length), handles.data());
  return out;
}

template <typename T>
inline jlongArray GetLongArrayFromVec(JNIEnv* env, const std::vector<T>& values) {
  std::vector<jlong> longs(values.begin(), values.end());
  jlongArray out = env->NewLongArray(static_cast<jsize>(longs.size()));
  env->SetLongArrayRegion(out, 0, static_cast<jsize>(longs.size()), longs.data());
  return out;
}

inline jobjectArray GetStringArrayFromVec(JNIEnv* env, const std::vector<std::string>& values) {
  jclass string_class = env->FindClass("java/lang/String");
  jmethodID constructor = env->GetMethodID(string_class, "<init>", "([BLjava/lang/String;)V");
  jstring charset = env->NewStringUTF("UTF-8");
  jobjectArray out = env->NewObjectArray(static_cast<jsize>(values.size()), string_class, nullptr);
  for (size_t i = 0; i < values.size(); ++i) {
    auto length = static_cast<jsize>(values[i].size());
    jbyteArray bytes = env->NewByteArray(length);
    env->SetByteArrayRegion(bytes, 0, length, reinterpret_cast<const jbyte*>(values[i].data()));
    jobject s = env->NewObject(string_class, constructor, bytes, charset);
    env->SetObjectArrayElement(out, static_cast<jsize>(i), s);
    env->DeleteLocalRef(s);
    env->DeleteLocalRef(bytes);
  }
  env->DeleteLocalRef(charset);
  env->DeleteLocalRef(string_class);
  return out;
}

}  // namespace jni
}  // namespace utils
}  // namespace djl

#endif  // TRIAGE_DJL_UTILS_H
