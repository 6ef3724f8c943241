"""Widgets whose values live in the URL, so a copied link reopens the same view.

Values are read from the link once per session (validated; anything unknown is
ignored with a message), kept in session state across page switches, and
written back to the URL explicitly on every run, defaults included, so that a
shared link never moves when new data arrives.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

_NOW = "_url_now"  # values written to the URL by this run
_WRITTEN = "_url_written"  # the link as this session's last run left it
_WIDGET = "_url_widget"  # URL parameter -> the name its widget's key is made from, where that is not the parameter
_WARN = "_url_warnings"
_NUMBER_WORDS = {2: "two", 3: "three", 4: "four", 5: "five", 6: "six"}


def begin_run() -> None:
    """Start collecting this run's URL values, after following any change to the link the app did not make."""
    st.session_state[_NOW] = {}
    st.session_state.setdefault(_WARN, [])
    _follow_the_link()


def _follow_the_link() -> None:
    """The browser's Back or Forward gives a run a link unlike the one the session's last run left: each value
    it changed that the session remembers is read from it again, as when a link is opened, and its widget starts
    afresh from it (a value not remembered yet is read from the link when its widget is first drawn)."""
    written = st.session_state.get(_WRITTEN)
    if written is None:  # the session's first run reads the link anyway
        return
    widgets = st.session_state.get(_WIDGET, {})
    for key in st.query_params:
        if st.query_params.get_all(key) != written.get(key) and f"_p_{key}" in st.session_state:
            del st.session_state[f"_p_{key}"]
            _restart_widget(widgets.get(key, key))


def _restart_widget(name: str) -> None:
    """Drop the widget's state and give it a new key, so the browser draws it from its new default."""
    st.session_state.pop(_wkey(name), None)
    st.session_state[f"_gen_{name}"] = st.session_state.get(f"_gen_{name}", 0) + 1


def commit() -> None:
    """Write this run's values to the URL (replacing what was there) when they differ."""
    values = {k: v if isinstance(v, list) else [v] for k, v in st.session_state.get(_NOW, {}).items()}
    current = {k: st.query_params.get_all(k) for k in st.query_params}
    if current != values:
        st.query_params.from_dict(values)
    st.session_state[_WRITTEN] = values


def warnings() -> list[str]:
    """Messages about link values that were ignored, cleared once read."""
    out = list(st.session_state.get(_WARN, []))
    st.session_state[_WARN] = []
    return out


def _shown(raw: str, limit: int = 40) -> str:
    """A link value safe to repeat in a message: on one line, shortened and shown as code, never as markup.

    Only a backtick or a line break (which can start a new block) could end the code span early.
    """
    raw = " ".join(raw.split())
    text = raw if len(raw) <= limit else raw[: limit - 1] + "…"
    return "`" + text.replace("`", "'") + "`"


def _warn(message: str) -> None:
    st.session_state[_WARN].append(message)


def _initial(key: str, parse: Callable[[list[str]], Any], default: Any, what: str) -> Any:
    """The value for ``key``: remembered in this session, else from the link, else the default."""
    store = f"_p_{key}"
    if store not in st.session_state:
        raw = st.query_params.get_all(key)
        value = default
        if raw:
            try:
                value = parse(raw)
            except ValueError as exc:
                _warn(f"The link's value for {what} was not used: {exc}")
        st.session_state[store] = value
    return st.session_state[store]


def _initial_range(keys, parse_one, default, options, format_func) -> tuple[Any, Any]:
    """A range from the link: a bad end keeps the default width from the good one; reversed ends are swapped."""
    options = list(options)
    width = options.index(default[1]) - options.index(default[0])
    ends: list[Any] = []
    for key in keys:
        raw = st.query_params.get_all(key)
        value = None
        if raw:
            try:
                value = parse_one(raw)
            except ValueError as exc:
                _warn(f"The link's {'start' if key == keys[0] else 'end'} quarter ({key}) was not used: {exc}.")
        ends.append(value)
    lo, hi = ends
    if lo is None and hi is None:
        return default
    if lo is None:
        lo = options[max(0, options.index(hi) - width)]
    elif hi is None:
        hi = options[min(len(options) - 1, options.index(lo) + width)]
    if lo > hi:
        lo, hi = hi, lo
        _warn("The link's quarters were in reverse order; they have been swapped.")
    if any(st.query_params.get_all(k) for k in keys) and (lo, hi) != tuple(e for e in ends):
        _warn(f"From the link, showing {format_func(lo)} to {format_func(hi)}.")
    return lo, hi


def _drop_if_stale(wkey: str, valid: Callable[[Any], bool]) -> None:
    """Forget a widget's state that no longer fits its options (new data), so it restarts from its default.

    Values are not pushed into widget state: each widget gets the remembered
    value as its own default, which is what the browser's reruns honour (tabs are
    the exception, see ``tabs``).
    """
    if wkey in st.session_state and not valid(st.session_state[wkey]):
        del st.session_state[wkey]


def _wkey(key: str) -> str:
    """The widget key for URL parameter ``key``: a new one each time code sets the value (``set_value``),
    so the browser draws a fresh widget from the new value instead of sending back its old one."""
    gen = st.session_state.get(f"_gen_{key}", 0)
    return f"w_{key}" if not gen else f"w_{key}__{gen}"


def _remember(key: str, value: Any, serialized: list[str] | str) -> None:
    st.session_state[f"_p_{key}"] = value
    st.session_state[_NOW][key] = serialized


def selectbox(
    label: str,
    key: str,
    options: Sequence[str],
    default: str,
    format_func: Callable[[str], str] = str,
    container=st,
    **kwargs,
) -> str:
    """A selectbox bound to URL parameter ``key``."""

    def parse(raw: list[str]) -> str:
        if raw[-1] not in options:
            raise ValueError(f"{_shown(raw[-1])} is not one of the choices")
        return raw[-1]

    value = _initial(key, parse, default, label.lower())
    if value not in options:
        value = default
    wkey = _wkey(key)
    _drop_if_stale(wkey, lambda v: v in options)
    chosen = container.selectbox(
        label, options, index=list(options).index(value), key=wkey, format_func=format_func, **kwargs
    )
    _remember(key, chosen, chosen)
    return chosen


def multiselect(
    label: str,
    key: str,
    options: Sequence[str],
    default: Sequence[str],
    format_func: Callable[[str], str] = str,
    container=st,
    **kwargs,
) -> list[str]:
    """A multiselect bound to URL parameter ``key``; all options are written ``all``, none ``none``."""

    # Ids or display names, in any case, both find an option.
    lookup = {str(o).lower(): o for o in options} | {format_func(o).lower(): o for o in options}

    def parse(raw: list[str]) -> list[str]:
        if raw in (["all"], ["ALL"]):
            return list(options)
        if raw in (["none"], [""]):
            return []
        known = list(dict.fromkeys(lookup[r.strip().lower()] for r in raw if r.strip().lower() in lookup))
        unknown = [r for r in raw if r.strip().lower() not in lookup]
        if unknown:
            shown = ", ".join(_shown(u) for u in unknown[:5]) + (" …" if len(unknown) > 5 else "")
            if not known:
                raise ValueError(f"none of its values are in this data ({shown})")
            _warn(f"The link's {label.lower()} included values not found in this data, left out: {shown}")
        return known

    value = [v for v in _initial(key, parse, list(default), label.lower()) if v in options]
    most = kwargs.get("max_selections")
    if most and len(value) > most:
        # A link may ask for more than the control allows (compare=all): keep the first ones, in the link's order.
        value = value[:most]
        st.session_state[f"_p_{key}"] = value
        _warn(
            f"The link's {label.lower()} named more than {most}; the first {_NUMBER_WORDS.get(most, most)} "
            f"are shown instead ({', '.join(_shown(format_func(v)) for v in value)})."
        )
    wkey = _wkey(key)
    _drop_if_stale(wkey, lambda v: isinstance(v, list) and all(x in options for x in v))
    chosen = container.multiselect(label, options, default=value, key=wkey, format_func=format_func, **kwargs)
    serialized = ["all"] if set(chosen) == set(options) else (list(chosen) or ["none"])
    _remember(key, chosen, serialized)
    return chosen


def range_slider(
    label: str,
    keys: tuple[str, str],
    options: Sequence[Any],
    default: tuple[Any, Any],
    to_text: Callable[[Any], str],
    from_text: Callable[[str], Any],
    format_func: Callable[[Any], str] = str,
    container=st,
    **kwargs,
) -> tuple[Any, Any]:
    """A range select-slider bound to two URL parameters (always written explicitly)."""
    lo_key, hi_key = keys

    def parse_one(raw: list[str]) -> Any:
        try:
            value = from_text(raw[-1])
        except ValueError:
            raise ValueError(f"{_shown(raw[-1])} is not a quarter such as 2018-19-Q3") from None
        if value not in options:
            raise ValueError(f"{_shown(raw[-1])} is outside the data")
        return value

    name = f"{lo_key}_{hi_key}"  # the widget's key is made from both parameters' names
    st.session_state.setdefault(_WIDGET, {}).update({lo_key: name, hi_key: name})
    if f"_p_{lo_key}" not in st.session_state or f"_p_{hi_key}" not in st.session_state:
        lo, hi = _initial_range(keys, parse_one, default, options, format_func)
        st.session_state[f"_p_{lo_key}"], st.session_state[f"_p_{hi_key}"] = lo, hi
    lo, hi = st.session_state[f"_p_{lo_key}"], st.session_state[f"_p_{hi_key}"]
    if lo not in options or hi not in options:
        lo, hi = default
    wkey = _wkey(name)
    _drop_if_stale(wkey, lambda v: isinstance(v, tuple | list) and all(x in options for x in v))
    # The range must be passed as ``value``: Streamlit decides from it that the
    # slider holds a range, not a single value, when it reads the browser's state.
    chosen = container.select_slider(
        label, options=list(options), value=(lo, hi), key=wkey, format_func=format_func, **kwargs
    )
    _remember(lo_key, chosen[0], to_text(chosen[0]))
    _remember(hi_key, chosen[1], to_text(chosen[1]))
    return chosen[0], chosen[1]


def toggle(label: str, key: str, default: bool = False, container=st, **kwargs) -> bool:
    """A toggle bound to URL parameter ``key`` (written ``1`` or ``0``)."""

    def parse(raw: list[str]) -> bool:
        if raw[-1] not in ("1", "0", "true", "false"):
            raise ValueError(f"{_shown(raw[-1])} is not 1 or 0")
        return raw[-1] in ("1", "true")

    value = bool(_initial(key, parse, default, label.lower()))
    chosen = container.toggle(label, value=value, key=_wkey(key), **kwargs)
    _remember(key, chosen, "1" if chosen else "0")
    return chosen


def set_value(key: str, value: Any) -> None:
    """Change a URL-bound widget's value from code (a button): remembered, and the widget restarts from it.

    The widget's own state is dropped rather than written, so it takes the remembered value as
    its default on the next run, as when a link is opened.
    """
    st.session_state[f"_p_{key}"] = value
    _restart_widget(key)


def remembered(key: str, default: Any = None) -> Any:
    """URL parameter ``key``'s value as the last run left it (or as the link gave it), ``default`` before either."""
    return st.session_state.get(f"_p_{key}", default)


def swap(key: str, old: Any, new: Any) -> None:
    """Put ``new`` in ``old``'s place among multiselect ``key``'s choices, when ``old`` is chosen and ``new`` is not
    (call it before the widget is drawn in this run)."""
    chosen = remembered(key)
    if chosen and old in chosen and new not in chosen:
        set_value(key, [new if v == old else v for v in chosen])


def tabs(key: str, sections: dict[str, str], default: str, what: str = "section") -> tuple[str, dict]:
    """Tabs bound to URL parameter ``key`` (``sections``: id to label): (the open tab's id, id to container).
    ``what`` names the tabs in a message about a bad link value.

    Only the open tab's content needs to run: switching tabs reruns the page, so a filter change
    does the work of the section in view, not of every section.
    """

    def parse(raw: list[str]) -> str:
        if raw[-1] not in sections:
            raise ValueError(f"{_shown(raw[-1])} is not one of the sections")
        return raw[-1]

    value = _initial(key, parse, default, what)
    wkey = _wkey(key)
    labels = list(sections.values())
    _drop_if_stale(wkey, lambda v: v in labels)
    # Unlike the other widgets, st.tabs counts its ``default`` in its identity: a default that followed the
    # remembered tab gave the widget a new identity after every switch, and the browser's next click, sent
    # for the old one, was dropped (every other click was ignored). So the default is fixed, and the
    # remembered tab (from the link, or from before a page switch) is given to the widget's state when the
    # widget has none; after that the browser's clicks drive it.
    if wkey not in st.session_state:
        st.session_state[wkey] = sections[value]
    containers = dict(
        zip(sections, st.tabs(labels, default=sections[default], key=wkey, on_change="rerun"), strict=True)
    )
    chosen = next((k for k, c in containers.items() if c.open), value)
    _remember(key, chosen, chosen)
    return chosen, containers


def keep(key: str, options: Sequence[str], default: str, what: str) -> str:
    """A URL value whose control is not drawn in this run (it sits in a closed tab): validated and kept in the link."""

    def parse(raw: list[str]) -> str:
        if raw[-1] not in options:
            raise ValueError(f"{_shown(raw[-1])} is not one of the choices")
        return raw[-1]

    value = _initial(key, parse, default, what)  # the control's last value, when it was drawn before
    chosen = value if value in options else default
    _remember(key, chosen, chosen)
    return chosen
