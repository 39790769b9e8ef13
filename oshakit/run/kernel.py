"""The Jupyter kernel the runner executes notebooks with: always this interpreter.

``kernel_name="python3"`` normally resolves to ipykernel's built-in spec for the running
interpreter, so a plain venv or CI needs no ``ipykernel install``. A *registered* spec
named ``python3`` (e.g. in ``~/.local/share/jupyter/kernels``) would win over it and could
point at another Python without oshakit; :class:`InterpreterKernelManager` pins the spec to
``sys.executable`` instead.
"""

from __future__ import annotations

import importlib.util
from typing import Any

from jupyter_client.kernelspec import KernelSpec, KernelSpecManager, NoSuchKernel
from jupyter_client.manager import KernelManager
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


class InterpreterKernelManager(KernelManager):
    """A kernel manager using :class:`InterpreterSpecs`."""

    @default("kernel_spec_manager")
    def _default_specs(self) -> KernelSpecManager:
        return InterpreterSpecs(data_dir=self.data_dir)


def engine_options() -> dict[str, Any]:
    """Keyword arguments for ``papermill.execute_notebook`` (passed on to nbclient)."""
    return {
        "kernel_name": ensure_kernel(),
        "kernel_manager_class": InterpreterKernelManager,
        # A graceful shutdown sometimes stalls ~4 s; nothing is left to save at the end.
        "shutdown_kernel": "immediate",
        # Silences ipykernel 7's "running over TCP without encryption" warning.
        "config": Config({"KernelManager": {"transport_encryption": "auto"}}),
        "progress_bar": False,
    }
