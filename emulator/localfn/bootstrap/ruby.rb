# wsworkbench's Ruby bootstrap: loads the function's handler and runs the
# Lambda Runtime API loop, as Lambda's own Ruby runtime does. Standard library
# only. Written by the workbench to its cache directory and run as
# `ruby ruby.rb` in the function's code directory.
require 'json'
require 'net/http'

$stdout.sync = true
$stderr.sync = true

API_HOST, API_PORT = ENV.fetch('AWS_LAMBDA_RUNTIME_API').split(':')
BASE = '/2018-06-01/runtime'
TASK_ROOT = ENV['LAMBDA_TASK_ROOT'] || Dir.pwd

$http = Net::HTTP.new(API_HOST, API_PORT.to_i)
$http.read_timeout = nil
$http.keep_alive_timeout = 3600
$http.start

def call(method, path, body = nil, headers = {})
  req = (method == :get ? Net::HTTP::Get : Net::HTTP::Post).new(BASE + path, { 'Content-Type' => 'application/json' }.merge(headers))
  req.body = body if body
  $http.request(req)
end

def error_object(err, type = nil)
  { 'errorMessage' => err.message, 'errorType' => type || "Function<#{err.class}>", 'stackTrace' => err.backtrace || [] }
end

class LambdaContext
  attr_reader :aws_request_id, :invoked_function_arn, :function_name, :function_version,
              :memory_limit_in_mb, :log_group_name, :log_stream_name, :deadline_ms

  def initialize(resp)
    @aws_request_id = resp['Lambda-Runtime-Aws-Request-Id']
    @invoked_function_arn = resp['Lambda-Runtime-Invoked-Function-Arn']
    @deadline_ms = resp['Lambda-Runtime-Deadline-Ms'].to_i
    @function_name = ENV['AWS_LAMBDA_FUNCTION_NAME']
    @function_version = ENV['AWS_LAMBDA_FUNCTION_VERSION']
    @memory_limit_in_mb = ENV['AWS_LAMBDA_FUNCTION_MEMORY_SIZE']
    @log_group_name = ENV['AWS_LAMBDA_LOG_GROUP_NAME']
    @log_stream_name = ENV['AWS_LAMBDA_LOG_STREAM_NAME']
  end

  def get_remaining_time_in_millis
    [@deadline_ms - (Time.now.to_f * 1000).to_i, 0].max
  end
end

# load_handler returns a callable for _HANDLER: "file.method" or
# "file.Module::Class.method".
def load_handler
  handler = ENV.fetch('_HANDLER', '')
  file, _, rest = handler.partition('.')
  raise ArgumentError, "Bad handler #{handler}: want file.method" if file.empty? || rest.empty?

  begin
    require File.join(TASK_ROOT, file)
  rescue LoadError, StandardError, ScriptError => e
    raise e.class, e.message, e.backtrace if e.is_a?(SyntaxError)

    err = RuntimeError.new("Error loading #{file}: #{e.message}")
    err.set_backtrace(e.backtrace)
    raise err
  end
  if rest.include?('.')
    target, _, meth = rest.rpartition('.')
    receiver = Object.const_get(target)
    ->(event:, context:) { receiver.public_send(meth, event: event, context: context) }
  else
    ->(event:, context:) { send(rest, event: event, context: context) }
  end
end

begin
  handler = load_handler
rescue Exception => e # rubocop:disable Lint/RescueException
  err = error_object(e, 'Init<' + e.class.to_s + '>')
  warn "Init error: #{err['errorType']}: #{err['errorMessage']}"
  call(:post, '/init/error', JSON.generate(err), 'Lambda-Runtime-Function-Error-Type' => err['errorType'])
  exit 1
end

loop do
  resp = call(:get, '/invocation/next')
  id = resp['Lambda-Runtime-Aws-Request-Id']
  begin
    event = JSON.parse(resp.body.to_s.empty? ? 'null' : resp.body)
    result = handler.call(event: event, context: LambdaContext.new(resp))
    call(:post, "/invocation/#{id}/response", JSON.generate(result))
  rescue StandardError, ScriptError => e
    err = error_object(e)
    warn "Error raised from handler method\n#{JSON.generate(err)}"
    call(:post, "/invocation/#{id}/error", JSON.generate(err), 'Lambda-Runtime-Function-Error-Type' => err['errorType'])
  end
end
