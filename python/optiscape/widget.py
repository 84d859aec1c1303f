"""``optiscape.Race``: the page's live race in a notebook cell (an anywidget).

Everything the cell runs ships inside this package: the page's ES modules, stylesheet and markup
and the wasm module are compiled into the extension at build time (``python/build.rs`` copies
them from ``www/``), and reach the cell through the widget's own comm, the wasm as a binary
buffer. Nothing is fetched: no CDN, no server route, no notebook extension, so it runs offline
wherever anywidget runs (tested in JupyterLab).
"""

import json as _json
import pathlib as _pathlib

import anywidget as _anywidget
import traitlets as _t

from . import _core, _spec_text


class Race(_anywidget.AnyWidget):
    """The live race of a run spec, as the page draws it, in a notebook cell.

    ``spec`` (a dict, or JSON text) syncs both ways: assign ``race.spec = {...}`` and the cell
    applies it as the page's controls would (racers whose settings did not change keep their
    place); move a slider in the cell and ``race.spec`` is the new spec, every field given.
    An invalid spec raises ``ValueError`` with the CLI's message and the cell keeps its race.
    ``racers()`` is every racer's live state as the cell last reported it.
    """

    _esm = _pathlib.Path(__file__).with_name("widget.js")

    spec = _t.Union([_t.Dict(), _t.Unicode()]).tag(sync=True)
    """The run spec, canonical (every field given) once the cell has shown it."""
    height = _t.Unicode("40rem").tag(sync=True)
    """The cell's height (CSS): the plot fits it, the controls scroll beside it."""
    present = _t.Bool(False).tag(sync=True)
    """Presentation mode (for a projector), both ways: ``True`` fills the cell with the plot, its
    legend, loss inset and caption; the cell's button and P also take the widget to full screen,
    and Esc leaves, which this follows."""

    _racers = _t.List().tag(sync=True)
    _modules = _t.Dict().tag(sync=True)
    _style = _t.Unicode().tag(sync=True)
    _markup = _t.Unicode().tag(sync=True)
    _wasm = _t.Bytes().tag(sync=True)
    _build = _t.Unicode().tag(sync=True)

    def __init__(self, spec=None, **kwargs):
        modules, style, markup, wasm = _core.widget_assets()
        if wasm is None:
            raise RuntimeError("this optiscape was built without the page's wasm: run `cargo xtask build`, then `pip install ./python` again")
        assets = dict(_modules=modules, _style=style, _markup=markup, _wasm=wasm, _build=_fingerprint(modules, wasm))
        super().__init__(spec={} if spec is None else spec, **assets, **kwargs)

    @_t.validate("spec")
    def _canonical(self, proposal):
        text = _spec_text(proposal["value"])
        if _json.loads(text) == {}:
            return {}  # the page's default scene, which the cell sends back
        return _json.loads(_core.canonical_spec(text))

    def racers(self):
        """Every racer's state as the cell last reported it (a few times a second while racing,
        and whenever the race stops): ``name``, ``step``, ``position``, ``loss``, ``mean_loss``,
        ``status``, ``diverged_at``, ``singular_at``, ``arrival``, as the page's
        ``window.optiscape.racers()`` gives them. Empty until the cell has been shown."""
        return [dict(r) for r in self._racers]


def _fingerprint(modules, wasm):
    """Names this build of the assets, so that a cell reuses the modules it already linked."""
    import hashlib

    h = hashlib.sha256(wasm)
    for name in sorted(modules):
        h.update(name.encode())
        h.update(modules[name].encode())
    return h.hexdigest()[:16]
