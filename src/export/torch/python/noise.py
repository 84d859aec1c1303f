# Noisy gradients, as optiscape draws them (src/landscape/noise.rs): step k's gradient is
# SCALE * (grad f + NOISE * xi_k), the same draws for every racer. Each of xi_k's two numbers is
# the sum of twelve 49-bit uniforms from SplitMix64 seeded with SEED, minus 6: integer arithmetic
# and exact sums, so these are the very numbers the page and the CLI draw.
U64 = (1 << 64) - 1


def splitmix64(k):
    """Output k (from 0) of SplitMix64 seeded with SEED."""
    z = (SEED + (k + 1) * 0x9E3779B97F4A7C15) & U64
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & U64
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & U64
    return z ^ (z >> 31)


def normal(first):
    """A nearly standard normal number: twelve uniforms from output `first` on, minus 6."""
    total = 0.0
    for j in range(12):
        total += (splitmix64(first + j) >> 15) * 2.0**-49
    return total - 6.0


def draw(k):
    """NOISE * xi_k, the noise of step k's gradient (k = 0 for the first step)."""
    return [NOISE * normal(24 * k), NOISE * normal(24 * k + 12)]
