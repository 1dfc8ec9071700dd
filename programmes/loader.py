"""Load specs (YAML, or frab XML/JSON) into one validated `Spec`, every problem located.

A spec may be split over several files; they are merged (festivals concatenated, artists
declared once or identically). Every problem is reported with its file, line and field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from affiche.programmes.errors import (  # the two error readers live there: no import circle
    SpecError,
    SpecIssue,
    check_size,
    clean_loc,
    describe_error,
    field_path,
)
from affiche.programmes.model import Artist, Festival, Spec
from affiche.programmes.validate import check_references

Loc = tuple[int | str, ...]

MAX_YAML_NODES = 2_000_000  # values a YAML document may hold once its aliases are expanded
ALIAS_SLACK, ALIAS_RATIO = 100_000, 10  # aliases may repeat values, not multiply them
MAX_YAML_DEPTH = 64  # nesting a spec needs is below 10


# libyaml's parser when PyYAML was built with it (about ten times faster on large specs)
_SafeLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SpecYamlLoader(_SafeLoader):
    """YAML 1.2-like reading: `10:00` stays a string (not 600), `NO` stays Norway (not
    false), dates stay strings for pydantic to parse: values mean what producers wrote."""


_SpecYamlLoader.yaml_implicit_resolvers = {
    first: [
        (tag, regexp)
        for tag, regexp in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int",
                       "tag:yaml.org,2002:bool")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_SpecYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool",
    re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
    list("tTfF"),
)
_SpecYamlLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0|[-+]?[1-9][0-9_]*|0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"),
)


@dataclass
class SourceMap:
    """Where each value of one file stands: field path -> line number (1-based)."""

    file: str
    lines: dict[Loc, int] = field(default_factory=dict)

    def line_of(self, loc: Loc) -> int | None:
        for end in range(len(loc), -1, -1):
            if loc[:end] in self.lines:
                return self.lines[loc[:end]]
        return None

    def issue(self, loc: Loc, message: str) -> SpecIssue:
        return SpecIssue(self.file, field_path(loc), message, self.line_of(loc))


@dataclass
class LoadedSpec:
    """A merged, validated spec, with what is needed to point back into its files."""

    spec: Spec
    warnings: list[str]
    festival_sources: list[tuple[SourceMap, int]]
    artist_sources: list[tuple[SourceMap, int]]

    def issue(self, loc: Loc, message: str) -> SpecIssue:
        source, local = self._source_of(loc)
        return source.issue(local, message)

    def _source_of(self, loc: Loc) -> tuple[SourceMap, Loc]:
        if len(loc) >= 2 and loc[0] == "festivals" and isinstance(loc[1], int):
            source, index = self.festival_sources[loc[1]]
            return source, ("festivals", index, *loc[2:])
        if len(loc) >= 2 and loc[0] == "artists" and isinstance(loc[1], int):
            source, index = self.artist_sources[loc[1]]
            return source, ("artists", index, *loc[2:])
        first = self.festival_sources[0][0] if self.festival_sources else SourceMap("spec")
        return first, loc


def _walk(node: yaml.Node, loc: Loc, source: SourceMap, issues: list[SpecIssue]) -> None:
    source.lines[loc] = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        seen: set[str] = set()
        for key, value in node.value:
            name = key.value
            if name in seen:
                source.lines[(*loc, name)] = key.start_mark.line + 1
                issues.append(source.issue((*loc, name), "this key is given twice"))
            seen.add(name)
            _walk(value, (*loc, name), source, issues)
            source.lines[(*loc, name)] = key.start_mark.line + 1
    elif isinstance(node, yaml.SequenceNode):
        for index, value in enumerate(node.value):
            _walk(value, (*loc, index), source, issues)


def _expanded_size(root: yaml.Node, path: Path) -> None:
    """Refuse alias bombs and deep nesting before anything walks or builds the document:
    the node count with every alias expanded, computed once per node (linear in the text)."""
    sizes: dict[int, int] = {}
    on_path: set[int] = set()
    stack: list[tuple[yaml.Node, int, bool]] = [(root, 1, False)]
    while stack:
        node, depth, done = stack.pop()
        key = id(node)
        children = _children(node)
        if done:
            on_path.discard(key)
            sizes[key] = 1 + sum(sizes[id(child)] for child in children)
            if sizes[key] > MAX_YAML_NODES:
                _refuse(path, node, f"more than {MAX_YAML_NODES:,} values once its aliases "
                        "are expanded (an alias bomb?)")
            continue
        if key in sizes:
            continue
        if key in on_path:
            _refuse(path, node, "an alias refers to a value that contains it")
        if depth > MAX_YAML_DEPTH:
            _refuse(path, node, f"values nested more than {MAX_YAML_DEPTH} deep")
        on_path.add(key)
        stack.append((node, depth, True))
        stack.extend((child, depth + 1, False) for child in children if id(child) not in sizes)
    if sizes[id(root)] > ALIAS_SLACK + ALIAS_RATIO * len(sizes):
        _refuse(path, root, f"its aliases expand {len(sizes):,} values into "
                f"{sizes[id(root)]:,} (an alias bomb?)")


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _refuse(path: Path, node: yaml.Node, problem: str) -> None:
    line = node.start_mark.line + 1
    raise SpecError([SpecIssue(str(path), "", f"not a usable YAML spec: {problem}", line)])


def read_yaml(path: Path) -> tuple[Any, SourceMap, list[SpecIssue]]:
    source = SourceMap(str(path))
    check_size(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise SpecError([SpecIssue(str(path), "", f"cannot read the file: {error}")]) from None
    loader = _SpecYamlLoader(text)
    try:  # one parse: the nodes give the line map, the same nodes give the data
        node = loader.get_single_node()
        if node is not None:
            _expanded_size(node, path)
        data = loader.construct_document(node) if node is not None else None
    except RecursionError:
        message = f"not a usable YAML spec: values nested more than {MAX_YAML_DEPTH} deep"
        raise SpecError([SpecIssue(str(path), "", message)]) from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(error, "problem", None) or str(error)
        raise SpecError([SpecIssue(str(path), "", f"not valid YAML: {problem}", line)]) from None
    finally:
        loader.dispose()
    issues: list[SpecIssue] = []
    if node is not None:
        _walk(node, (), source, issues)
    if not isinstance(data, dict):
        issues.append(SpecIssue(str(path), "", "a spec is a mapping with a 'festivals' list", 1))
    return data, source, issues


def parse_yaml_spec(path: Path) -> tuple[Spec, SourceMap]:
    data, source, issues = read_yaml(path)
    if issues:
        raise SpecError(issues)
    try:
        spec = Spec.model_validate(data)
    except ValidationError as error:
        raise SpecError(
            [source.issue(clean_loc(e["loc"]), describe_error(e)) for e in error.errors()]
        ) from None
    return spec, source


def _parse_one(
    path: Path, keep_times: bool, timezone: str | None = None, verbose: bool = False
) -> tuple[Spec, SourceMap, list[str]]:
    from affiche.programmes.spreadsheet import looks_like_spreadsheet, read_spreadsheet

    if looks_like_spreadsheet(path):
        spec, sheets = read_spreadsheet(path)
        return spec, sheets, []  # type: ignore[return-value]  # same .issue() shape
    if not path.is_file():
        raise SpecError([SpecIssue(str(path), "", "no such file")])
    if path.suffix.lower() not in (".yaml", ".yml"):
        from affiche.programmes.frab_import import load_frab, looks_like_frab

        check_size(path)
        if not looks_like_frab(path):
            message = "not a spec: expected YAML (.yaml) or a frab schedule (XML or JSON)"
            raise SpecError([SpecIssue(str(path), "", message)])
        spec, warnings = load_frab(
            path, keep_times=keep_times, timezone=timezone, verbose=verbose
        )
        return spec, SourceMap(str(path)), warnings
    spec, source = parse_yaml_spec(path)
    return spec, source, []


def _merge(parsed: list[tuple[Spec, SourceMap, list[str]]]) -> LoadedSpec:
    festivals: list[Festival] = []
    artists: list[Artist] = []
    festival_sources: list[tuple[SourceMap, int]] = []
    artist_sources: list[tuple[SourceMap, int]] = []
    warnings: list[str] = []
    issues: list[SpecIssue] = []
    by_id: dict[str, int] = {}
    for spec, source, file_warnings in parsed:
        warnings.extend(file_warnings)
        for index, festival in enumerate(spec.festivals):
            festivals.append(festival)
            festival_sources.append((source, index))
        for index, artist in enumerate(spec.artists):
            if artist.id in by_id:
                if artists[by_id[artist.id]] != artist:
                    issues.append(
                        source.issue(
                            ("artists", index, "id"),
                            f"artist {artist.id!r} is declared differently in another file",
                        )
                    )
                continue
            by_id[artist.id] = len(artists)
            artists.append(artist)
            artist_sources.append((source, index))
    if issues:
        raise SpecError(issues)
    solver = parsed[0][0].solver
    merged = Spec.model_construct(festivals=festivals, artists=artists, solver=solver)
    return LoadedSpec(merged, warnings, festival_sources, artist_sources)


def load_specs(
    paths: list[Path],
    *,
    keep_times: bool = False,
    timezone: str | None = None,
    verbose: bool = False,
) -> LoadedSpec:
    """Read, validate and merge spec files; raise SpecError listing every problem.
    `verbose`: the warnings that summarise repeated dirt are followed by every case."""
    parsed, issues = [], []
    for path in paths:
        try:
            parsed.append(_parse_one(Path(path), keep_times, timezone, verbose))
        except SpecError as error:
            issues.extend(error.issues)
    if issues:
        raise SpecError(issues)
    loaded = _merge(parsed)
    problems = [loaded.issue(loc, message) for loc, message in check_references(loaded.spec)]
    if problems:
        raise SpecError(problems)
    return loaded
