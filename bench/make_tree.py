#!/usr/bin/env python3
"""Write deterministic synthetic console content for benchmarks and manual tests.

Usage: make_tree.py DIR PROFILE

Creates DIR/Patches (patch download directory) and DIR/DataFiles (definition files plus
DataFiles/Engines). The same PROFILE always yields the same names and the same bytes, so
figures measured on different machines or runs stay comparable.

Profiles:
  small   60 patches, a few MB
  full    400 patches, about 1.2 GB
  many    20000 small patches, about 0.6 GB

Standard library only. Exit codes: 0 done, 2 usage error.
"""
import os
import random
import sys

SEED = 42
BLOCK_BYTES = 1 << 16

# profile -> (patch count, log2 of the smallest size, log2 of the largest size)
PROFILES = {
    'small': (60, 10, 20),
    'full': (400, 16, 25),
    'many': (20000, 12, 16),
}
PATCH_EXTENSIONS = ['msu', 'cab', 'exe', 'msi']
DEFINITION_COUNT = 24
ENGINE_COUNT = 6


def emit_file(path, size, rng):
    """Writes `size` bytes to `path`: one random 64 KiB block per file, repeated, with each
    repetition's first byte replaced by its index (mod 256) so no two blocks dedup."""
    os.makedirs(os.path.dirname(path), exist_ok=True)
    pattern = rng.randbytes(BLOCK_BYTES)
    with open(path, 'wb') as out:
        written = 0
        index = 0
        while written < size:
            take = min(size - written, BLOCK_BYTES)
            out.write(bytes([index % 256]) + pattern[1:take])
            written += take
            index += 1


def log_uniform_size(rng, low_exp, high_exp):
    return int(2 ** rng.uniform(low_exp, high_exp))


def generate(root, profile):
    count, low_exp, high_exp = PROFILES[profile]
    # The order of rng calls below defines the fixture; changing it changes every byte.
    rng = random.Random(SEED)
    for n in range(count):
        size = log_uniform_size(rng, low_exp, high_exp)
        kb_number = rng.randint(4000000, 5099999)
        extension = rng.choice(PATCH_EXTENSIONS)
        name = 'windows10.0-kb%d-x64_%05d.%s' % (kb_number, n, extension)
        emit_file(os.path.join(root, 'Patches', name), size, rng)
    for n in range(DEFINITION_COUNT):
        name = 'definition_%02d.xml' % n
        emit_file(os.path.join(root, 'DataFiles', name), log_uniform_size(rng, 14, 21), rng)
    for n in range(ENGINE_COUNT):
        name = 'engine_%d.dll' % n
        emit_file(os.path.join(root, 'DataFiles', 'Engines', name),
                  log_uniform_size(rng, 18, 22), rng)


def main(argv):
    if len(argv) != 3 or argv[2] not in PROFILES:
        sys.stderr.write('usage: %s DIR {%s}\n' % (os.path.basename(argv[0]),
                                                   '|'.join(PROFILES)))
        if len(argv) == 3:
            sys.stderr.write('unknown profile %r\n' % argv[2])
        return 2
    generate(argv[1], argv[2])
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
