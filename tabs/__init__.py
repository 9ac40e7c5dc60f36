"""One module per tab: its layout, events and handlers. ``app.py`` assembles them."""
