# A real Apache Kafka broker (single-node KRaft on 127.0.0.1) for the tests that need one.
# The pinned kafka_2.13 jars come from Maven Central (scripts/services/kafka-pom.xml) into .cache/kafka/.
# `scripts/services/kafka.py run -- CMD` starts a broker, runs CMD with VRP_KAFKA_BOOTSTRAP set and
# stops the broker by its PID, also when CMD fails.
.PHONY: setup-kafka kafka-start kafka-stop

SETUP_TARGETS += setup-kafka
KAFKA := $(PY) scripts/services/kafka.py

setup-kafka: $(PY) ## fetch the pinned Kafka broker jars through Maven (once)
	$(KAFKA) fetch

kafka-start: setup-kafka ## start a background broker on 127.0.0.1 (prints bootstrap host:port)
	$(KAFKA) start

kafka-stop: ## stop the broker started by kafka-start
	$(KAFKA) stop
