"""The browser bundle: the demos wheel and the Pyodide lock it is loaded with (wheel)."""
