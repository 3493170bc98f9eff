"""`python -m devstack` (`make run`): start the local stack and keep it up until Ctrl-C or SIGTERM.

Ports: WH_MOTO_PORT (default 4566) and WH_API_PORT (default 8000). Exit status 0 after a
requested stop, 2 when a port is taken or a setting is wrong, 1 on any other startup failure.
"""

from __future__ import annotations

import gc
import io
import os
import signal
import sys
import threading
import traceback
from types import FrameType

from devstack import StackError


class StopRequested(BaseException):
    """Raised in the main thread by the SIGINT/SIGTERM handler (also during startup)."""


def _request_stop(signum: int, frame: FrameType | None) -> None:
    raise StopRequested(signum)


def _force_exit(signum: int, frame: FrameType | None) -> None:
    print("devstack: second signal while stopping - exiting now", file=sys.stderr, flush=True)
    os._exit(1)


def main() -> int:
    if isinstance(sys.stdout, io.TextIOWrapper):
        sys.stdout.reconfigure(line_buffering=True)  # banner and logs show up at once, even in a pipe
    signal.signal(signal.SIGINT, _request_stop)
    signal.signal(signal.SIGTERM, _request_stop)

    stack = None
    status = 0
    try:
        from devstack.stack import Stack

        stack = Stack()
        print(f"devstack: starting moto on {stack.moto.url} and the API on {stack.api_url} ...")
        stack.start()
        print(stack.banner())
        threading.Event().wait()  # until a signal raises StopRequested
    except StopRequested:
        pass
    except StackError as exc:
        print(f"devstack: {exc}", file=sys.stderr)
        status = 2
    except Exception:
        traceback.print_exc()
        print("devstack: failed to start (see above)", file=sys.stderr)
        status = 1
    finally:
        signal.signal(signal.SIGINT, _force_exit)
        signal.signal(signal.SIGTERM, _force_exit)
        if stack is not None:
            if status == 0:
                print("devstack: stopping ...")
            stack.stop()
            if status == 0:
                print("devstack: stopped; the in-memory data is gone")
    # moto and boto leave ~0.5M objects: letting the interpreter's final garbage collection
    # skip them takes exit from ~1.2 s to ~0.1 s. Everything we opened is closed by now.
    gc.freeze()
    return status


if __name__ == "__main__":
    sys.exit(main())
