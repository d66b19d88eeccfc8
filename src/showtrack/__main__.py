# `python -m showtrack`. Ctrl-C is taken over before anything else is imported (nothing
# can have been saved yet, so the line is true); launch.main then takes it over for good.
import _signal  # type: ignore[import-not-found]
import os

_signal.signal(
    _signal.SIGINT,
    lambda *_: (
        os.write(2, b"Interrupted; the database is as it was before this command.\n"),
        os._exit(130),
    ),
)

from showtrack.launch import main  # noqa: E402

main()
