"""The presenter view's panels, one widget per module."""
