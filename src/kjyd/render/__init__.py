"""Renderers: they format report data and plan structure; they compute nothing."""
