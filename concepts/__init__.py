"""Small, tested functions behind the teaching tabs: each explains one idea on real data."""
