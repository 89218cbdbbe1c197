"""Load-test the plugin's pages on a datasette already running on this machine (loopback only).

    python scripts/load_test.py http://127.0.0.1:8001 [--seconds 30] [--clients 32] [--json]

Starts no server. Prints p50/p99 latency per page, throughput and the error
count (any non-2xx answer or exception); exits 1 if there was any error.
"""

from __future__ import annotations

import sys

from datasette_gaireports.loadtest import main

if __name__ == "__main__":
    sys.exit(main())
