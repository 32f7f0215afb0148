"""The knowledge editors' workbench (issue #17): versions, lifecycle, verification, audit."""
