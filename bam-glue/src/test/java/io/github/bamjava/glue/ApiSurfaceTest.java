package io.github.bamjava.glue;

import io.github.bamjava.testing.ApiSurface;
import org.junit.jupiter.api.Test;

/** bam-glue's public types stay inside the API packages that docs/api-packages.txt lists and carry Javadoc. */
class ApiSurfaceTest {

  @Test
  void bamGluesPublicTypesAreAllInApiOrInternalPackages() {
    ApiSurface.assertOnlyApiIsPublic(GlueBam.class);
  }

  @Test
  void bamGluesExportedDeclarationsAllHaveJavadoc() {
    ApiSurface.assertApiDocumented(GlueBam.class);
  }
}
