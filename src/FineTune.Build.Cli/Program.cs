// The `finetune` command. Commands land with the training issue (status, follow, list, cancel) and compile/check.
return 0;
