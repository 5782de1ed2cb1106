"""Reading a window as a screen reader does: Qt's accessibility tree, walked in the test process.

``walk`` lists every visible node of the tree under a widget (role, name,
description, the text a Text interface exposes); ``check_screen`` fails on an
interactive element without a name or with a role a screen reader would
misreport, and ``readable`` joins all the text a screen-reader user can reach,
so a test can assert that the story, the feedback and the prompts are there.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtGui import QAccessible, QAccessibleInterface
from PySide6.QtWidgets import QWidget

R = QAccessible.Role
# Roles a user acts on: each must carry a meaningful name.
INTERACTIVE = {R.Button, R.CheckBox, R.ComboBox, R.EditableText, R.SpinBox, R.RadioButton,
               R.Slider, R.Link, R.PageTab, R.MenuItem, R.Table, R.List, R.Tree}


@dataclass(frozen=True, slots=True)
class A11yNode:
    """One visible element as the accessibility bus would describe it."""

    role: QAccessible.Role
    name: str
    description: str
    text: str
    focusable: bool
    class_name: str

    def spoken(self) -> str:
        """What a screen reader says for it: name, then description, then its text."""
        return " ".join(p for p in (self.name, self.description, self.text) if p)


def _node(iface: QAccessibleInterface) -> A11yNode:
    text = ""
    ti = iface.textInterface()
    if ti is not None:
        text = ti.text(0, ti.characterCount())
    obj = iface.object()
    return A11yNode(
        role=iface.role(),
        name=iface.text(QAccessible.Text.Name) or "",
        description=iface.text(QAccessible.Text.Description) or "",
        text=text,
        focusable=bool(iface.state().focusable),
        class_name=type(obj).__name__ if obj is not None else "",
    )


def walk(widget: QWidget) -> list[A11yNode]:
    """Every visible element under ``widget``, in the tree's order (depth first)."""
    root = QAccessible.queryAccessibleInterface(widget)
    assert root is not None, f"{widget!r} has no accessible interface"
    out: list[A11yNode] = []
    stack = [root]
    seen: set[int] = set()
    while stack:
        iface = stack.pop(0)
        if iface is None or not iface.isValid() or iface.state().invisible:
            continue
        key = id(iface.object()) if iface.object() is not None else id(iface)
        node = _node(iface)
        if key not in seen or iface.object() is None:
            seen.add(key)
            out.append(node)
        # Item views expose thousands of cells; their own name is what matters here.
        if node.role in (R.Table, R.List, R.Tree):
            continue
        stack[0:0] = [iface.child(i) for i in range(iface.childCount())]
    return out


def readable(widget: QWidget) -> str:
    """All text a screen-reader user can reach under ``widget``, whitespace collapsed."""
    return " ".join(" ".join(n.spoken() for n in walk(widget)).split())


def problems(widget: QWidget) -> list[str]:
    """Interactive elements with no name, and unnamed tab stops (empty list: all is well).

    (A checkable push button reads as a check box; that is right for a real on/off
    toggle such as the presenter's Black out, and the navigation test checks that the
    section buttons, which are not toggles, read as buttons.)
    """
    out = []
    for n in walk(widget):
        if n.role in INTERACTIVE and not n.name.strip():
            out.append(f"unnamed {n.role.name} ({n.class_name})")
        if n.focusable and n.role in (R.Client, R.Pane, R.ScrollBar) and not n.name.strip():
            out.append(f"unnamed tab stop {n.role.name} ({n.class_name})")
    return out


def check_screen(widget: QWidget) -> None:
    """Fail with a readable list if any element of the screen is unnamed or misreported."""
    found = problems(widget)
    assert not found, "accessibility problems:\n  " + "\n  ".join(found)
