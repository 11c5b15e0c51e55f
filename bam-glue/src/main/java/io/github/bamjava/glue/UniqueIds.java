package io.github.bamjava.glue;

import com.google.common.hash.HashFunction;
import com.google.common.hash.Hashing;
import java.util.Arrays;

/**
 * Checks that a file's example ids are unique with 8 bytes an id, not the ids themselves, so that a capped
 * reader's memory stays bounded by its cap however long the file is: the 64-bit hashes of the ids are collected,
 * sorted once at the end, and a repeated hash marks ids that may repeat, which a second look at the file
 * confirms (two different ids share a 64-bit hash with odds of about n²/2⁶⁵, 3·10⁻⁸ for a million rows).
 */
final class UniqueIds {
  private static final HashFunction HASH = Hashing.murmur3_128();

  private long[] hashes = new long[1024];
  private int size;
  private long[] repeated;

  /** Notes an id. */
  void add(String id) {
    if (size == hashes.length) {
      hashes = Arrays.copyOf(hashes, 2 * size);
    }
    hashes[size++] = hash(id);
  }

  /** Whether any hash repeats, after the last {@link #add}: an id may then repeat. */
  boolean maybeRepeated() {
    long[] sorted = Arrays.copyOf(hashes, size);
    hashes = null; // only the repeated hashes are needed from here on
    Arrays.sort(sorted);
    // The distinct repeated hashes, gathered at the front of the sorted array (still sorted).
    int found = 0;
    for (int i = 1; i < sorted.length; i++) {
      if (sorted[i] == sorted[i - 1] && (found == 0 || sorted[found - 1] != sorted[i])) {
        sorted[found++] = sorted[i];
      }
    }
    repeated = Arrays.copyOf(sorted, found);
    return found > 0;
  }

  /** Whether {@code id} has one of the repeated hashes, after {@link #maybeRepeated()}. */
  boolean isSuspect(String id) {
    return Arrays.binarySearch(repeated, hash(id)) >= 0;
  }

  private static long hash(String id) {
    return HASH.hashUnencodedChars(id).asLong();
  }
}
