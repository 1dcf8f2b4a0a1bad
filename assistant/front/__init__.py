"""Front ends: the command line and the Gradio UI. They call the composition root
(:func:`assistant.app.build_assistant`) and the services it returns, nothing deeper."""
