"""No cyclic garbage collection while the console starts.

Start-up imports and builds objects that live as long as the process;
collecting (several times, over all of them) only delays the first frame and
the first data.  The command line pauses collection before its imports (this
module is all it loads for that: it is imported before the first frame); the
console resumes it once it has started (:mod:`jextui.ui.startup`).
"""

from __future__ import annotations

import gc

__all__ = ["pause_collection", "resume_collection"]

_collection = {"paused": False}


def pause_collection() -> None:
    """No cyclic garbage collection until :func:`resume_collection`."""
    if gc.isenabled():
        gc.disable()
        _collection["paused"] = True


def resume_collection(*, freeze: bool = True) -> None:
    """Collect again if :func:`pause_collection` stopped it (else nothing).

    ``freeze``: what start-up built stays anyway, so it is kept out of later
    collections (``gc.freeze``).
    """
    if _collection["paused"]:
        _collection["paused"] = False
        if freeze:
            gc.freeze()
        gc.enable()
