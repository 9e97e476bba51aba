"""The Word renderers (python-docx, imported only by ``kjyd report``)."""
