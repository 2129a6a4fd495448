"""How passwords are stored."""

from django.contrib.auth.hashers import Argon2PasswordHasher


class Argon2idPasswordHasher(Argon2PasswordHasher):
    """Argon2id at OWASP's minimum configuration (Password Storage Cheat
    Sheet): 19 MiB of memory, 2 passes, 1 lane.

    Argon2id is memory-hard, so a GPU gains far less against it than against
    PBKDF2; at these settings a sign-in costs ~18 ms of CPU, where Django's
    PBKDF2 (1,000,000 rounds of SHA-256) costs ~225 ms and Django's own
    Argon2 settings (100 MiB, 8 lanes) ~170 ms. Sign-ins come in bursts (a
    whole team at 9 o'clock), and on a 2-core server those are CPU the pages
    need. The settings are written into each hash, so a hash made with other
    settings still verifies and is re-made with these at the next sign-in.
    """

    time_cost = 2
    memory_cost = 19 * 1024  # KiB
    parallelism = 1
