"""Find and read a config.json: a file, a directory holding one, a shipped config, the Hub.

The Hub is reached only through the optional ``huggingface_hub`` package (the ``hub`` extra),
which caches downloads in its usual cache and reads a token from ``HF_TOKEN``. Every failure
becomes a one-line ``FlopcastError`` saying what to do instead.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from flopcast.datafiles import data_path
from flopcast.errors import FlopcastError, FlopcastTypeError
from flopcast.store import kind_of, read_json

#: The largest config.json read (real ones are under 20 KB).
MAX_CONFIG_BYTES = 4 * 1024 * 1024

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.\-]*/[\w.\-]+$")
_HELP = "set HF_TOKEN to a Hugging Face token, or pass a local config.json path instead"


def shipped_configs() -> dict[str, Path]:
    """Repo id -> path of the config.json files shipped in ``flopcast/data/configs``."""
    root = data_path("configs")
    out: dict[str, Path] = {}
    if not root.is_dir():
        return out
    for entry in root.iterdir():
        name = entry.name
        if name.endswith(".json") and "__" in name:
            out[name[: -len(".json")].replace("__", "/", 1)] = Path(str(entry))
    return dict(sorted(out.items()))


def shipped_config_for(repo_id: str) -> Path | None:
    """The config.json shipped for exactly this repo id (twins and derived configs:
    :mod:`flopcast.configs`)."""
    return shipped_configs().get(repo_id)


def read_config_file(path: Path) -> dict[str, Any]:
    """Parse a config.json file (a regular UTF-8 file of at most :data:`MAX_CONFIG_BYTES`);
    anything unreadable, malformed or not a JSON object is a one-line error."""
    # real configs hold Infinity in fields flopcast does not read (Nemotron's time_step_limit);
    # the fields it reads refuse anything but finite integers
    data = read_json(path, "config.json", max_bytes=MAX_CONFIG_BYTES, allow_non_finite=True)
    if not isinstance(data, dict):
        raise FlopcastError(f"{path} must hold a JSON object, not {type(data).__name__}")
    return data


def load_config(source: str | Path) -> dict[str, Any]:
    """Load a config from a file, a directory with config.json, a shipped repo id or the Hub."""
    if not isinstance(source, str | Path):
        raise FlopcastTypeError(
            f"a config is a dict, a path or a repo id, not {type(source).__name__}"
        )
    path = Path(source).expanduser()
    kind = kind_of(path)
    if kind == "dir":
        inner = path / "config.json"
        if kind_of(inner) == "missing":
            raise FlopcastError(f"directory {path} holds no config.json")
        return read_config_file(inner)
    if kind != "missing":
        return read_config_file(path)
    text = str(source)
    if isinstance(source, Path) or not _REPO_ID.match(text) or text.endswith(".json"):
        raise FlopcastError(
            f"no such file: {text[:200]} (pass a config.json path, a directory or a "
            "Hub repo id like org/name)"
        )
    shipped = shipped_config_for(text)
    if shipped is not None:
        return read_config_file(shipped)
    return read_config_file(download_config(text))


def _hub_reachable(timeout: float = 3.0) -> bool:
    """Whether the Hub's host resolves and accepts a connection, checked quickly, so that an
    offline machine gets a one-line answer instead of huggingface_hub's retries."""
    import socket
    from urllib.parse import urlparse

    endpoint = os.environ.get("HF_ENDPOINT", "https://huggingface.co")
    parsed = urlparse(endpoint)
    host = parsed.hostname or "huggingface.co"
    port = parsed.port or (443 if parsed.scheme == "https" else 80)
    try:
        with socket.create_connection((host, port), timeout=timeout):
            return True
    except OSError:
        return False


def download_config(repo_id: str) -> Path:
    """Fetch ``config.json`` of a Hub repo into the huggingface_hub cache and return its path."""
    try:
        import huggingface_hub
        from huggingface_hub import errors as hub_errors
    except ImportError:
        raise FlopcastError(
            f"{repo_id} is not a local file and huggingface_hub is not installed; install "
            "flopcast[hub] or pass a local config.json path"
        ) from None
    try:
        # the local cache first: no network, no retries
        return Path(huggingface_hub.hf_hub_download(repo_id, "config.json", local_files_only=True))
    except (hub_errors.LocalEntryNotFoundError, FileNotFoundError):
        pass
    except hub_errors.HFValidationError as exc:
        raise FlopcastError(f"{repo_id!r} is not a valid Hub repo id: {exc}") from None
    if os.environ.get("HF_HUB_OFFLINE", "") not in ("", "0") or not _hub_reachable():
        raise FlopcastError(
            f"cannot reach the Hub for {repo_id} and it is not in the local cache (offline?); "
            f"{_HELP}"
        )
    try:
        return Path(huggingface_hub.hf_hub_download(repo_id, "config.json"))
    except hub_errors.GatedRepoError:
        raise FlopcastError(
            f"{repo_id} is gated: accept its license on the Hub, then {_HELP}"
        ) from None
    except hub_errors.RepositoryNotFoundError:
        raise FlopcastError(
            f"{repo_id} was not found on the Hub (or is private); {_HELP}"
        ) from None
    except hub_errors.LocalEntryNotFoundError:
        raise FlopcastError(
            f"cannot reach the Hub for {repo_id} and it is not in the local cache (offline?); "
            f"{_HELP}"
        ) from None
    except hub_errors.EntryNotFoundError:
        raise FlopcastError(
            f"{repo_id} has no config.json; pass a local config.json path"
        ) from None
    except hub_errors.HFValidationError as exc:
        raise FlopcastError(f"{repo_id!r} is not a valid Hub repo id: {exc}") from None
    except (hub_errors.HfHubHTTPError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise FlopcastError(f"could not fetch {repo_id} from the Hub ({first}); {_HELP}") from None
