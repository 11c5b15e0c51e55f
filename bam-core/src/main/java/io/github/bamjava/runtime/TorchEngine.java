package io.github.bamjava.runtime;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodType;
import org.jspecify.annotations.Nullable;

/**
 * DJL's PyTorch engine, chosen by name: every manager, gradient collector and random seed of this library comes
 * from here.
 *
 * <p>Why by name: {@code NDManager.newBaseManager()} and {@code Engine.getInstance()} take whichever engine DJL
 * finds first on the classpath. An application that also has, say, DJL's OnnxRuntime engine for another model
 * would get it here, where the encoder's blocks, autograd and the optimizer need PyTorch's; the failure would come
 * later and far from its cause. Asking for PyTorch by name fails at once, saying what is missing.
 *
 * <p>The first call also gives an application that embeds the library what the {@code ./bam} launcher sets for
 * speed: before libtorch loads, MKL's AVX-512 kernels on an AMD processor ({@link MklOnAmd#prepare()}) and OpenMP
 * threads that sleep when they wait ({@link OpenMpWaits#beforeLibtorch()}); once it has loaded, the intra-op thread
 * count ({@link TorchThreads}). An application whose own code loaded libtorch before (through DJL directly) gets
 * the thread count only.
 */
public final class TorchEngine {
  private TorchEngine() {}

  /** The name DJL registers the PyTorch engine under. */
  public static final String NAME = "PyTorch";

  /** Whether the first call's settings are done. */
  private static volatile boolean started;

  /**
   * The PyTorch engine.
   *
   * @throws IllegalStateException when it is not on the classpath, naming the artifacts that provide it and the
   *     engines that are there
   */
  public static Engine get() {
    if (!started) {
      start();
    }
    return named(NAME);
  }

  /** The settings around libtorch's loading, once per process. */
  private static synchronized void start() {
    if (started) {
      return;
    }
    require(NAME); // a clear error, before anything else, when the engine is missing
    MklOnAmd.prepare(); // each does nothing when libtorch is loaded already
    OpenMpWaits.beforeLibtorch();
    Engine.getEngine(NAME); // loads libtorch
    TorchThreads.atEngineStart();
    started = true;
  }

  /** The engine DJL registers under {@code name}; a clear error when there is none. */
  static Engine named(String name) {
    require(name);
    return Engine.getEngine(name);
  }

  /** A clear error when DJL has no engine registered under {@code name}; loads nothing. */
  private static void require(String name) {
    if (!Engine.hasEngine(name)) {
      throw new IllegalStateException("DJL's " + name + " engine is not on the classpath (engines found: "
          + Engine.getAllEngines() + "); this library runs on PyTorch: add ai.djl.pytorch:pytorch-engine, and"
          + " ai.djl.pytorch:pytorch-native-cpu with ai.djl.pytorch:pytorch-jni to run offline");
    }
  }

  /**
   * Turns PyTorch's grad mode off for the calling thread, where training and prediction start (a trainer's run,
   * a model's load). Grad mode is a per-thread switch that is on in every new thread: DJL turns it off only on
   * the thread that starts the engine, and a training turns it on only inside its gradient collector. On any
   * other thread (a server's request thread, a Spark task's, an executor pool's) a model's load would write its
   * weights in place with grad mode on, which PyTorch refuses, and a prediction would record a graph it never
   * uses.
   */
  public static void gradOffForThisThread() {
    get(); // loads the native library before the first JNI call
    try {
      GradSwitch.SET.invokeExact(false);
    } catch (Throwable e) {
      throw new IllegalStateException("could not turn PyTorch's grad mode off for this thread", e);
    }
  }

  /**
   * DJL's switch of PyTorch's grad mode, found when first used: the engine is a run-time dependency only (a user's
   * code compiles against DJL's API), and the API has no such switch.
   */
  private static final class GradSwitch {
    static final MethodHandle SET = DjlJni.find("setGradMode", MethodType.methodType(void.class, boolean.class));
  }

  /**
   * Whether libtorch holds a gradient tensor for {@code array} (PyTorch's {@code .grad} is defined): after the
   * first backward pass that reached it, until the array is gone. DJL's {@code getGradient()} cannot tell, since
   * it makes a new zero array where there is none.
   */
  public static boolean hasGradientTensor(NDArray array) {
    if (!array.hasGradient()) {
      return false;
    }
    try {
      Object gradient = GradientRead.GET.invoke(array);
      if (gradient == null) {
        return false;
      }
      ((NDArray) gradient).close(); // a new handle on the gradient, not the gradient itself
      return true;
    } catch (Throwable e) {
      throw new IllegalStateException("could not read whether PyTorch holds a gradient for " + array.getShape(), e);
    }
  }

  /** DJL's read of an array's {@code .grad} (null where it is not defined), found when first used. */
  private static final class GradientRead {
    static final MethodHandle GET;

    static {
      try {
        Class<?> array = Class.forName("ai.djl.pytorch.engine.PtNDArray", true, TorchEngine.class.getClassLoader());
        GET = DjlJni.find("getGradient", MethodType.methodType(array, array)).asType(MethodType.methodType(
            Object.class, NDArray.class));
      } catch (ClassNotFoundException e) {
        throw new IllegalStateException("DJL's PyTorch engine is not on the classpath", e);
      }
    }
  }

  /** A new base manager of the PyTorch engine on {@code device}; on the engine's default device when null. */
  public static NDManager newManager(@Nullable Device device) {
    return device == null ? get().newBaseManager() : get().newBaseManager(device);
  }

  /** A new base manager of the PyTorch engine on its default device (a GPU when there is one). */
  public static NDManager newManager() {
    return newManager(null);
  }
}
