"""The decorator of the model's compiled kernels: numba's ``njit``, cached on disk.

A month of a small firm is hundreds of operations on small arrays; written as loops over replicates, slots
and tasks and compiled, each mechanism becomes one pass over the arrays. Kernels take and return arrays
only, so they are called the same way from the batch engine, the Mesa model and the tests (the first call
in a fresh checkout compiles them, a few seconds; later runs load them from ``__pycache__``).
"""

import numba

compiled = numba.njit(cache=True, nogil=True, error_model="numpy")
