"""The exchange simulator: an independent, strict implementation of the Binance and Bitget wire
protocols for loopback use (dev, tests, demo). It shares NO code with ``trading.exchanges`` on
purpose: if both sides reused one signer or parser, a bug in it would hide in both."""
