// End-to-end tests run real builds one after another: the machine has two cores and each build uses them.
[assembly: DoNotParallelize]
