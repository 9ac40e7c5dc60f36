"""One module per tab: its layout, events and handlers. ``app.py`` assembles them."""

import gradio.component_meta

# Gradio writes a .pyi stub beside the source of every component subclass as the class is defined (a help for
# editors of custom-component packages). Ours (tabs/components.py) would be written into the repository at each
# start, so the stub writer is switched off before any tab module is imported.
gradio.component_meta.create_or_modify_pyi = lambda *args, **kwargs: None
