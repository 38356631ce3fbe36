"""Where each asyncio task is waiting: printed just before pytest-timeout stops a hung test.

pytest-timeout shows only the event loop idling in select(); the await chain of every task
(`cr_await` down to the pending future) names the call that never completed."""

import asyncio
import sys
from collections.abc import Iterator


def await_chain(coro) -> Iterator[str]:
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None:
            yield f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}"
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)


def dump_tasks(file=None) -> None:
    out = file or sys.stderr
    print("=== asyncio tasks still waiting (watchdog) ===", file=out)
    for task in asyncio.all_tasks():
        print(f"--- {task.get_name()}", file=out)
        for line in await_chain(task.get_coro()):
            print(f"    {line}", file=out)
    out.flush()
