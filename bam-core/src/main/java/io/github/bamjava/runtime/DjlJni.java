package io.github.bamjava.runtime;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;

/**
 * DJL's calls into libtorch ({@code ai.djl.pytorch.jni.JniUtils}) that its API does not expose, found at run time:
 * the PyTorch engine is a run-time dependency of this library (a user's code compiles against DJL's API only), so
 * no code here names its classes at compile time.
 */
final class DjlJni {
  private DjlJni() {}

  /**
   * The static method {@code name} of type {@code type} of DJL's {@code JniUtils}.
   *
   * @throws IllegalStateException naming the method, when this DJL has no such method
   */
  static MethodHandle find(String name, MethodType type) {
    try {
      Class<?> jni = Class.forName("ai.djl.pytorch.jni.JniUtils", true, DjlJni.class.getClassLoader());
      return MethodHandles.publicLookup().findStatic(jni, name, type);
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("DJL's PyTorch engine has no JniUtils." + name + type + "; this library needs"
          + " ai.djl.pytorch:pytorch-engine 0.36", e);
    }
  }
}
