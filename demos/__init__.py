"""The Python demos that readers run in the browser under Pyodide, and CPython imports too."""
