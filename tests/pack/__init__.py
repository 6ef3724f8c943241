"""The meeting pack: its content, and the PowerPoint and PDF read back."""
