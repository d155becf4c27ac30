"""Software defaults (not figures about the world: those live in ``data/``)."""

#: Monte Carlo samples for 90% intervals; Latin hypercube sampling makes 100K plenty
#: (the interval of a one-input result is exact to about 1e-6).
DEFAULT_SAMPLES = 100_000

#: The most Monte Carlo samples flopcast draws (each uncertain input costs ~40 bytes a sample).
MAX_SAMPLES = 10_000_000

#: Seed of the Monte Carlo sampler, so the same inputs always give the same intervals.
DEFAULT_SEED = 20250405
