import { Option } from 'commander';

// The `--brokers` and `--registry` of a command whose `--bus kafka` reaches a broker and a schema registry.

export function brokersOption(): Option {
  return new Option('--brokers <list>', 'with --bus kafka: bootstrap servers')
    .env('KAFKA_BROKERS')
    .default('127.0.0.1:9092');
}

export function registryOption(): Option {
  return new Option('--registry <url>', 'with --bus kafka: Confluent-compatible schema registry URL')
    .env('SCHEMA_REGISTRY_URL')
    .default('http://127.0.0.1:8080/apis/ccompat/v7');
}
