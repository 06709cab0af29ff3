"""Server-side trading: exchange connectors (pure Python) and the products built on them."""
