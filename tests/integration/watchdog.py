"""A hung async test: say where every task is waiting, then cancel the test so it cleans up.

pytest-timeout alone shows only the event loop idling in select(), and its signal leaves the
test's `async with` blocks open (a Lab's timers then go on firing into later tests). The
watchdog fires a few seconds earlier: it prints each task's await chain (`cr_await` down to
the pending future) to the terminal, bypassing capture so it shows even when a rerun passes,
and cancels the test's task, which unwinds through its context managers."""

import asyncio
from collections.abc import Callable, Iterator

HUNG = "watchdog: the test hung"


def await_chain(coro) -> Iterator[str]:
    while coro is not None:
        frame = getattr(coro, "cr_frame", None) or getattr(coro, "gi_frame", None)
        if frame is not None:
            yield f"{frame.f_code.co_filename}:{frame.f_lineno} in {frame.f_code.co_name}"
        coro = getattr(coro, "cr_await", None) or getattr(coro, "gi_yieldfrom", None)


def task_report() -> list[str]:
    lines = []
    for task in asyncio.all_tasks():
        lines.append(f"--- {task.get_name()}")
        lines += [f"    {line}" for line in await_chain(task.get_coro())]
    return lines


def on_hang(test_name: str, say: Callable[[str], None]) -> None:
    """Report every task, then cancel the tasks running the test `test_name`."""
    say(f"=== {HUNG}: {test_name}; asyncio tasks and where they wait ===")
    for line in task_report():
        say(line)
    for task in asyncio.all_tasks():
        if getattr(task.get_coro(), "__name__", "") == test_name:
            task.cancel(HUNG)
