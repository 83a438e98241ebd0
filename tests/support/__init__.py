"""What the tests share: the sandbox helpers, the fakes that remain, the fixed
clocks, the spec's example answers, and the console and widget harnesses.
Test modules import from here, never from one another."""
