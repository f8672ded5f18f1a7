"""The development settings with bench/raw_urls.py as the URLconf (benchmarks only)."""

from config.settings.dev import *  # noqa: F403

ROOT_URLCONF = "bench.raw_urls"
