package io.github.bamjava.spark;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's grad mode is a per-thread switch. DJL turns it off once, on the thread that starts the engine, and
 * training turns it on only inside a gradient collector; loading a model writes its weights in place, which
 * PyTorch refuses while grad mode is on. Spark runs each task on a thread of its pool, so a task (and the driver's
 * evaluation, when the engine started in a task) must turn it off for its own thread first.
 */
final class GradMode {

  private GradMode() {}

  /** Turns grad mode off for the calling thread, as DJL leaves it on the engine's first thread. */
  static void offForThisThread() {
    Engine.getInstance(); // loads the native library before the first JNI call
    JniUtils.setGradMode(false);
  }
}
