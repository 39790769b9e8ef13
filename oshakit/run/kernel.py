"""The Jupyter kernel the runner executes notebooks with: always this interpreter, and one
kernel per worker process, reused from notebook to notebook.

``kernel_name="python3"`` normally resolves to ipykernel's built-in spec for the running
interpreter, so a plain venv or CI needs no ``ipykernel install``. A *registered* spec
named ``python3`` (e.g. in ``~/.local/share/jupyter/kernels``) would win over it and could
point at another Python without oshakit; :class:`InterpreterAsyncKernelManager` pins the spec to
``sys.executable`` instead.

Starting a kernel and importing pandas, matplotlib and reportlab in it costs more than
most of the batch's notebooks take to run, so the papermill engine :data:`ENGINE` keeps one
kernel per worker process: before each notebook it resets the kernel's namespace (a new
IPython session: no variable, no execution count carries over; pandas display options
and matplotlib rcParams back to a new process's) and moves it into the notebook's working
folder; imported modules stay loaded. A kernel that died is replaced. Notebooks must not
rely on other process state.
"""

from __future__ import annotations

import atexit
import contextlib
import importlib.util
import logging
import multiprocessing.util
import os
import threading
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_client.manager import AsyncKernelManager
from jupyter_core.utils import run_sync
from papermill.clientwrap import PapermillNotebookClient
from papermill.engines import NBClientEngine, papermill_engines
from traitlets import default
from traitlets.config import Config

from oshakit.errors import KernelError

KERNEL_NAME = "python3"


def ensure_kernel() -> str:
    """Return the kernel name to run notebooks with; raise :class:`KernelError` when this
    interpreter cannot run a Jupyter kernel."""
    if importlib.util.find_spec("ipykernel") is None:
        import sys

        raise KernelError(
            f"cannot run notebooks: ipykernel is not installed in {sys.executable}; "
            f"install it with `{sys.executable} -m pip install ipykernel`"
        )
    return KERNEL_NAME


def kernel_error(exc: NoSuchKernel) -> KernelError:
    """The user-facing error for a kernel jupyter_client could not find."""
    return KernelError(
        f"no Jupyter kernel named {exc.args[0] if exc.args else KERNEL_NAME!r}: the runner "
        f"executes notebooks with kernel {KERNEL_NAME!r} (this interpreter); check that "
        "ipykernel is installed here"
    )


class InterpreterSpecs(KernelSpecManager):
    """Kernel specs where ``python3`` is always ipykernel in the running interpreter."""

    def get_kernel_spec(self, kernel_name: str) -> KernelSpec:
        if kernel_name != KERNEL_NAME:
            return super().get_kernel_spec(kernel_name)
        try:
            from ipykernel.kernelspec import RESOURCES, get_kernel_dict
        except ImportError as exc:
            raise NoSuchKernel(kernel_name) from exc
        return KernelSpec(resource_dir=RESOURCES, **get_kernel_dict())


class InterpreterAsyncKernelManager(AsyncKernelManager):
    """The (asynchronous) kernel manager nbclient drives, using :class:`InterpreterSpecs`."""

    @default("kernel_spec_manager")
    def _default_specs(self) -> KernelSpecManager:
        return InterpreterSpecs(data_dir=self.data_dir)


#: Name of the papermill engine that reuses this process's kernel.
ENGINE = "oshakit"
#: Silences ipykernel 7's "running over TCP without encryption" warning.
_CONFIG = Config({"KernelManager": {"transport_encryption": "auto"}})
# chdir first: the folder the kernel was in may have been deleted since. Besides the
# namespace, the process-wide settings a notebook may change are put back: pandas'
# display options and matplotlib's rcParams (as a new process starts them).
_RESET = """import os, sys, warnings
os.chdir({cwd!r})
if "pandas" in sys.modules:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        sys.modules["pandas"].reset_option("all")
if "matplotlib" in sys.modules:
    sys.modules["matplotlib"].rc_file_defaults()
get_ipython().reset(new_session=True)
"""
#: What :func:`warm` imports in a new kernel: what every notebook of the batch needs.
WARM_IMPORTS = ("import pandas, matplotlib, reportlab, oshakit.pipeline, oshakit.report, "
                "oshakit.charts, oshakit.forms, oshakit.ita.export")
_local = threading.local()  # a kernel per thread: a thread pool's workers share a process
_started: list[InterpreterAsyncKernelManager] = []


def worker_kernel() -> InterpreterAsyncKernelManager:
    """This thread's kernel, started on first use (and again if it died)."""
    km = getattr(_local, "kernel", None)
    if km is None or not run_sync(km.is_alive)():
        if not _started:  # stop them when this process ends (a pool worker or not)
            atexit.register(shutdown_worker_kernels)
            multiprocessing.util.Finalize(None, shutdown_worker_kernels, exitpriority=10)
        old = getattr(_local, "client", None)
        if old is not None:
            old.stop_channels()
        km = InterpreterAsyncKernelManager(kernel_name=ensure_kernel(), config=_CONFIG)
        run_sync(km.start_kernel)()
        _local.kernel, _local.client = km, None
        _started.append(km)
    return km


def worker_client(km: InterpreterAsyncKernelManager, timeout: float = 60) -> Any:
    """The connected client of this thread's kernel ``km``, made once: a new client per
    notebook cost a channel set-up and a round trip to the kernel each time."""
    kc = getattr(_local, "client", None)
    if kc is None:
        kc = km.client()
        kc.start_channels()
        run_sync(kc.wait_for_ready)(timeout=timeout)
        kc.allow_stdin = False
        _local.client = kc
    return kc


def warm(imports: str = WARM_IMPORTS) -> None:
    """Start this thread's kernel and import ``imports`` in it now (a pool initializer:
    the workers get ready while the caller computes the year's result)."""
    km = worker_kernel()
    kc = worker_client(km)
    reply = run_sync(kc.execute_interactive)(imports, silent=True, store_history=False,
                                             timeout=120)
    if reply["content"]["status"] != "ok":  # a warm-up is an optimisation: never fatal
        logging.getLogger(__name__).warning("kernel warm-up failed: %s",
                                            reply["content"].get("evalue"))


def shutdown_worker_kernels() -> None:
    """Stop every kernel this process started (at exit, and by tests)."""
    kc = getattr(_local, "client", None)
    if kc is not None:
        with contextlib.suppress(Exception):
            kc.stop_channels()
    while _started:
        km = _started.pop()
        with contextlib.suppress(Exception):  # already gone: nothing left to stop
            run_sync(km.shutdown_kernel)(now=True)
    _local.__dict__.clear()


class _ResettingClient(PapermillNotebookClient):
    """Runs the notebook in the worker's kernel after a fresh session in ``kernel_cwd``."""

    kernel_cwd: str = "."

    def papermill_execute_cells(self) -> None:
        msg_id = self.kc.execute(_RESET.format(cwd=self.kernel_cwd), silent=True,
                                 store_history=False)
        reply = self.wait_for_reply(msg_id)
        if reply is None or reply["content"]["status"] != "ok":
            raise RuntimeError(f"could not reset the kernel before the notebook: {reply}")
        super().papermill_execute_cells()


class ReusedKernelEngine(NBClientEngine):
    """papermill's nbclient engine with this thread's kernel instead of a new one per
    notebook. The notebook runs in ``kernel_cwd`` (an engine argument: papermill's own
    ``cwd`` changes the whole process's directory, which threads share)."""

    @classmethod
    def execute_managed_notebook(cls, nb_man: Any, kernel_name: str, log_output: bool = False,
                                 stdout_file: Any = None, stderr_file: Any = None,
                                 start_timeout: int = 60, execution_timeout: int | None = None,
                                 kernel_cwd: str | None = None, **kwargs: Any) -> Any:
        for unused in ("input_path", "timeout", "startup_timeout"):
            kwargs.pop(unused, None)
        for cell in nb_man.nb.cells:  # papermill gives it a random id: same input, same file
            if "injected-parameters" in cell.metadata.get("tags", []):
                cell.id = "injected-parameters"
        km = worker_kernel()
        client = _ResettingClient(
            nb_man, km=km, kernel_name=kernel_name, log_output=log_output,
            stdout_file=stdout_file, stderr_file=stderr_file, startup_timeout=start_timeout,
            timeout=execution_timeout, **kwargs)
        client.kc = worker_client(km, start_timeout)  # kept: nbclient leaves a given one open
        client.kernel_cwd = os.path.abspath(kernel_cwd or os.getcwd())
        return client.execute()


papermill_engines.register(ENGINE, ReusedKernelEngine)


def engine_options() -> dict[str, Any]:
    """Keyword arguments for ``papermill.execute_notebook``: this process's kernel, reused."""
    return {
        "kernel_name": ensure_kernel(),
        "engine_name": ENGINE,
        "progress_bar": False,
        # The notebook is written once at the end, not after every cell.
        "request_save_on_cell_execute": False,
    }
