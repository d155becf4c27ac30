"""One place that finds a model's config.json: a shipped file, a same-architecture twin, a
derived config, a local file, or the Hugging Face Hub.

Every command that counts an architecture (``arch``, ``memory``, ``local``, ``show``,
``compute`` and the report) asks :func:`resolve_config` or :func:`config_for_model`, and says
which of these it used (:attr:`ResolvedConfig.describe`). Twins and derived configs are listed,
each with its reason, in ``data/configs/derived.toml``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any, Literal

from flopcast.arch import ArchBreakdown, from_config
from flopcast.arch.hub import download_config, read_config_file, shipped_configs
from flopcast.catalog import model
from flopcast.datafiles import load_validated
from flopcast.errors import FlopcastError, FlopcastTypeError
from flopcast.figures import Model
from flopcast.store import kind_of

Origin = Literal["shipped", "twin", "derived", "file", "hub", "dict"]


@dataclass(frozen=True)
class ResolvedConfig:
    """A config.json and where it came from."""

    config: Mapping[str, Any] = field(repr=False)
    origin: Origin
    repo: str | None = None  # the repo id it stands for
    base: str | None = None  # for a twin or derived config: the shipped repo it comes from
    path: str | None = None  # the file read, if any
    why: str = ""

    @property
    def describe(self) -> str:
        """In words: ``config.json of X (shipped with flopcast)``."""
        what = self.repo or self.path or "config"
        if self.origin == "shipped":
            return f"config.json of {what} (shipped with flopcast)"
        if self.origin == "twin":
            return f"config.json of {self.base} (shipped), the same architecture as {what}"
        if self.origin == "derived":
            return f"config of {what} derived from {self.base}'s (shipped)"
        if self.origin == "hub":
            return f"config.json of {what} (Hugging Face Hub)"
        if self.origin == "file":
            return f"config.json at {self.path}"
        return "a config given as a dict"

    @property
    def shown_path(self) -> str | None:
        """The file read, as a person may be shown it: a shipped config named inside the
        package (``data/configs/NAME.json``, the same on every machine), else its path."""
        if self.path is not None and self.origin in ("shipped", "twin", "derived"):
            return f"data/configs/{Path(self.path).name}"
        return self.path

    def to_dict(self) -> dict[str, Any]:
        return {
            "origin": self.origin,
            "repo": self.repo,
            "base": self.base,
            "path": self.shown_path,
            "describe": self.describe,
            "why": self.why or None,
        }


def _schema() -> Any:
    from pydantic import BaseModel, ConfigDict, Field, HttpUrl

    class Twin(BaseModel):
        model_config = ConfigDict(extra="forbid")
        repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
        same_as: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
        why: str = Field(min_length=1)

    class Derived(BaseModel):
        model_config = ConfigDict(extra="forbid")
        repo: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
        base: str = Field(pattern=r"^[\w.-]+/[\w.-]+$")
        source: HttpUrl
        why: str = Field(min_length=1)
        overrides: dict[str, Any]

    class Table(BaseModel):
        model_config = ConfigDict(extra="forbid")
        twin: list[Twin] = []
        derived: list[Derived] = []

    return Table


@cache
def _table() -> dict[str, Any]:
    table = load_validated("configs/derived.toml", _schema, Path(__file__))
    shipped = shipped_configs()
    seen: set[str] = set()
    for row in (*table["twin"], *table["derived"]):
        base = row.get("same_as") or row["base"]
        if base not in shipped:
            raise FlopcastError(f"data/configs/derived.toml: {row['repo']}: {base} is not shipped")
        if row["repo"] in seen or row["repo"] in shipped:
            raise FlopcastError(f"data/configs/derived.toml: {row['repo']} is listed twice")
        seen.add(row["repo"])
    return table


def config_for_repo(repo: str) -> ResolvedConfig | None:
    """A repo's config offline: shipped, a twin of a shipped one, or derived; else None."""
    shipped = shipped_configs()
    if repo in shipped:
        path = shipped[repo]
        return ResolvedConfig(read_config_file(path), "shipped", repo, path=str(path))
    table = _table()
    for twin in table["twin"]:
        if twin["repo"] == repo:
            path = shipped[twin["same_as"]]
            return ResolvedConfig(
                read_config_file(path), "twin", repo, twin["same_as"], str(path), twin["why"]
            )
    for row in table["derived"]:
        if row["repo"] == repo:
            path = shipped[row["base"]]
            cfg = {**read_config_file(path), **row["overrides"]}
            return ResolvedConfig(cfg, "derived", repo, row["base"], str(path), row["why"])
    return None


def config_for_model(m: Model) -> ResolvedConfig | None:
    """A catalog model's config offline (from its Hugging Face repo), or None."""
    return None if m.hf_repo is None else config_for_repo(m.hf_repo)


def resolve_config(source: str | Path | Mapping[str, Any], *, hub: bool = True) -> ResolvedConfig:
    """A config from a catalog model name, a config.json path or directory, a repo id, or a
    dict: offline first (shipped, twin, derived), then the Hub when ``hub`` is allowed.

    >>> resolve_config("llama-3.3-70b").origin
    'twin'
    >>> resolve_config("gpt-oss-20b").describe
    'config.json of openai/gpt-oss-20b (shipped with flopcast)'
    """
    if isinstance(source, Mapping):
        return ResolvedConfig(dict(source), "dict")
    if not isinstance(source, str | Path):
        raise FlopcastTypeError(
            f"a config is a model name, a path, a repo id or a dict, not {type(source).__name__}"
        )
    path = Path(source).expanduser()
    if kind_of(path) == "dir":  # kind_of: a too-long name or a NUL is "missing", not an OSError
        path = path / "config.json"
        if kind_of(path) == "missing":
            raise FlopcastError(f"directory {str(source)!r} holds no config.json")
    if kind_of(path) != "missing":
        return ResolvedConfig(read_config_file(path), "file", path=str(path))
    text = str(source).strip()
    if "/" in text and not text.endswith(".json"):
        found = config_for_repo(text)
        if found is not None:
            return found
        if not hub:
            raise FlopcastError(f"{text}: no shipped config.json, and the Hub is not to be used")
        p = download_config(text)
        return ResolvedConfig(read_config_file(p), "hub", text, path=str(p))
    if "/" in text or text.endswith(".json"):
        raise FlopcastError(
            f"no such file: {text} (pass a config.json path, a directory, a catalog model "
            "or a Hub repo id like org/name)"
        )
    m = model(text)
    if m.hf_repo is None:
        raise FlopcastError(
            f"{m.name} has no Hugging Face repo in the catalog (closed weights?): pass a "
            "config.json path"
        )
    return resolve_config(m.hf_repo, hub=hub)


def architecture(source: str | Path | Mapping[str, Any], *, hub: bool = True) -> ArchBreakdown:
    """Exact parameters, FLOPs per token and KV cache of a model from its config.json: a
    catalog name, a path or directory, a Hub repo id, or a dict (``flopcast arch``).

    >>> a = architecture("maverick")
    >>> a.total_params, a.active_params
    (400711848960, 17184691200)
    """
    return from_config(resolve_config(source, hub=hub).config)
