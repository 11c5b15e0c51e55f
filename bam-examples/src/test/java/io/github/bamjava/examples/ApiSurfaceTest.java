package io.github.bamjava.examples;

import io.github.bamjava.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/** The command line's public types are entry points in the packages docs/api-packages.txt names as such. */
class ApiSurfaceTest {

  @Test
  void theCommandLinesPublicTypesAreAllInItsListedPackages() {
    ApiSurface.assertOnlyApiIsPublic(BamCli.class);
  }
}
