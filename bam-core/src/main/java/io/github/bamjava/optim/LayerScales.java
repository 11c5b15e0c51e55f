package io.github.bamjava.optim;

import static com.google.common.base.Preconditions.checkArgument;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The layer-wise factor of each parameter: {@code α^(top − depth)}, with depths from {@link LayerDepth} (task heads
 * on top at factor 1, the embeddings lowest). A parameter's learning rate is the schedule's rate times this factor.
 *
 * <p>Every name is checked when the scales are made, so a name that fits no layer fails there, naming it.
 */
final class LayerScales {

  private final LayerDepth depth;
  /** Factors in the order the parameters were given. */
  private final Map<String, Double> scales = new LinkedHashMap<>();

  /**
   * @param depth how depths are assigned
   * @param layerDecay α in (0, 1]; 1 gives every parameter the same rate
   * @param names the parameters' names, in the optimizer's order
   * @throws IllegalArgumentException naming a parameter that fits no layer of {@code depth}
   */
  LayerScales(LayerDepth depth, double layerDecay, Collection<String> names) {
    this.depth = requireNonNull(depth, "depth");
    checkArgument(layerDecay > 0 && layerDecay <= 1, "layer decay must be in (0, 1], got %s", layerDecay);
    for (String name : names) {
      scales.put(name, Math.pow(layerDecay, depth.distanceFromTop(name)));
    }
  }

  /** How depths were assigned. */
  LayerDepth depth() {
    return depth;
  }

  /** The factor of one parameter, or null for a name not given when the scales were made. */
  Double of(String name) {
    return scales.get(name);
  }

  /** The names in the order they were given. */
  List<String> names() {
    return List.copyOf(scales.keySet());
  }

  /**
   * The names ordered by factor, lowest first, keeping the given order among equal factors: the layout of the
   * flat buffers, in which the parameters of one depth lie side by side so that updates run over long stretches
   * of one rate.
   */
  List<String> layout() {
    List<String> layout = new ArrayList<>(scales.keySet());
    layout.sort(Comparator.comparing(scales::get));
    return layout;
  }
}
