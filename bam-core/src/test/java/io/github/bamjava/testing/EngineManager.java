package io.github.bamjava.testing;

import ai.djl.ndarray.NDManager;
import io.github.bamjava.runtime.TorchEngine;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A fresh PyTorch {@link NDManager} for every test, closed after it: the fixture tests of arrays share.
 *
 * <p>Use: {@code @ExtendWith(EngineManager.class)} on the test class and an instance field {@code NDManager
 * manager} (any name; every non-static {@code NDManager} field of the test instance is set). Before each test the
 * field holds a new base manager of the engine chosen by name ({@link TorchEngine}); after the test, and after its
 * {@code @AfterEach} methods, the manager is closed with every array the test left in it.
 */
public final class EngineManager implements BeforeEachCallback {

  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(EngineManager.class);

  @Override
  public void beforeEach(ExtensionContext context) throws IllegalAccessException {
    boolean found = false;
    for (Object instance : context.getRequiredTestInstances().getAllInstances()) {
      for (Class<?> type = instance.getClass(); type != Object.class; type = type.getSuperclass()) {
        for (Field field : type.getDeclaredFields()) {
          if (field.getType() == NDManager.class && !Modifier.isStatic(field.getModifiers())) {
            NDManager manager = TorchEngine.newManager();
            // Closed by JUnit when the test's context closes, after the @AfterEach methods have run.
            context.getStore(NAMESPACE).put(field, (ExtensionContext.Store.CloseableResource) manager::close);
            field.setAccessible(true);
            field.set(instance, manager);
            found = true;
          }
        }
      }
    }
    if (!found) {
      throw new ExtensionConfigurationException(context.getRequiredTestClass().getName()
          + " uses EngineManager but has no NDManager field for it to set");
    }
  }
}
